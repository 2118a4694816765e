using System.CommandLine;
using System.Globalization;
using OnnxTrainer.Onnx;
using OnnxTrainer.Runtime;
using OnnxTrainer.Runtime.Imaging;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Serving;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// onnx-trainer gradcam MODEL.onnx IMAGE [--class NAME|INDEX] [--layer NAME] --out FILE.png: listing 5.44's picture,
/// the Grad-CAM heatmap in jet superimposed on the image at 0.4 intensity.
/// </summary>
public static class GradCamCommand
{
    public static Command Create()
    {
        var model = new RuntimeModelOptions();
        var image = new Argument<string>("IMAGE") { Description = "The image to explain (PNG, JPEG, GIF, BMP, WebP)." };
        var cls = new Option<string?>("--class") { Description = "The class to explain, by name or index (default: the predicted class).", HelpName = "NAME|INDEX" };
        var layer = new Option<string?>("--layer") { Description = "The layer to explain (default: the one chosen at export, the last Conv2D).", HelpName = "LAYER" };
        var intensity = new Option<float>("--intensity") { Description = "Heatmap intensity factor. Default 0.4 (listing 5.44).", HelpName = "X", DefaultValueFactory = _ => GradCamRenderer.DefaultIntensity };
        var output = new Option<string>("--out") { Description = "The picture to write: .png, .jpg or .jpeg.", HelpName = "FILE.png", Required = true };
        var command = new Command("gradcam", "Write the Grad-CAM heatmap of a class superimposed on the image (listings 5.40-5.44).");
        model.AddTo(command);
        command.Add(image);
        command.Add(cls);
        command.Add(layer);
        command.Add(intensity);
        command.Add(output);
        command.SetAction(parse =>
        {
            string outPath = System.IO.Path.GetFullPath(parse.GetRequiredValue(output));
            RuntimeModelOptions.CheckWritableFile(outPath, "--out");
            try
            {
                ImageFiles.FormatOf(outPath);
            }
            catch (ArgumentException)
            {
                throw new CliException($"--out expects a .png, .jpg or .jpeg file name, got '{outPath}'.");
            }
            string modelPath = parse.GetRequiredValue(model.Path);
            using var m = Load(parse, model, modelPath, parse.GetValue(layer));
            if (!m.CanExplain)
                throw new CliException(m.Info.Head == HeadKind.Other
                    ? $"Model '{m.Info.Name}' is not a classifier; Grad-CAM explains a class score. Export it with a head, for example --head dense256."
                    : $"Model '{m.Info.Name}' has no Grad-CAM outputs (exported with --no-explain); export it again, or give --layer.");
            using var picture = ImageLoader.Decode(parse.GetRequiredValue(image));
            var explanation = parse.GetValue(cls) is { } c ? m.Explain(picture, ClassIndex(m.Info, c)) : m.Explain(picture);
            using var overlay = GradCamRenderer.Overlay(picture, explanation.Heatmap, parse.GetValue(intensity));
            ImageFiles.Save(overlay, outPath);
            var e = explanation.ExplainedClass;
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {outPath}: class {e.Name} (index {e.Index}, probability {e.Probability:0.0000}) on {explanation.Layer}, heatmap {explanation.Heatmap.Width}x{explanation.Heatmap.Height} over {picture.Width}x{picture.Height}."));
            return 0;
        });
        return command;
    }

    /// <summary>The model as exported, or with its Grad-CAM outputs moved to <paramref name="layer"/> (graph rebuilt in memory).</summary>
    private static ImageModel Load(ParseResult parse, RuntimeModelOptions model, string path, string? layer)
    {
        if (layer is null) return model.Load(parse);
        var graph = model.Graph(parse);
        if (graph.Metadata.TryGetValue(ExportInfo.Prefix + "gradcam_layer", out var exported) && exported == layer
            && graph.Outputs.Any(o => o.Name == ImageModel.ExplainHeatmap))
            return model.Load(parse, OnnxModel.ToBytes(graph));
        return model.Load(parse, OnnxModel.ToBytes(ServingGraphs.WithGradCam(graph, layer)));
    }

    /// <summary>A class name of the model, else a class index.</summary>
    private static int ClassIndex(ModelInfo info, string text)
    {
        if (info.ClassNames.Contains(text)) return info.ClassIndex(text);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return index < info.ClassNames.Count
                ? index
                : throw new CliException($"--class {text}: model '{info.Name}' has classes 0 to {info.ClassNames.Count - 1} ({string.Join(", ", info.ClassNames)}).");
        try
        {
            return info.ClassIndex(text);
        }
        catch (ArgumentException)
        {
            throw new CliException($"--class expects a class name or index; model '{info.Name}' has no class '{text}'. Its classes: {string.Join(", ", info.ClassNames)}.");
        }
    }
}
