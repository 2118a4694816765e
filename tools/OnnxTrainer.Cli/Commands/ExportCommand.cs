using System.CommandLine;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Export;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// onnx-trainer export: a zoo model with freshly initialized weights as an .onnx file (inference form), with the
/// runtime's metadata and, for classifiers, the Grad-CAM outputs (Exporter, ExportInfo).
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new ModelOptions(withWeights: true);
        var seed = new Option<long>("--seed")
        {
            Description = "Seed of the glorot-uniform initialization (same seed, same file).",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
            CustomParser = r => ModelOptions.ParseNumber(r, "--seed", long.MinValue, long.MaxValue) ?? 0,
        };
        var classNames = new Option<string?>("--class-names")
        {
            Description = "Class names in class order, separated by commas, for example cats,dogs (default: 0, 1, ...).",
            HelpName = "NAME,NAME,...",
        };
        var gradCamLayer = new Option<string?>("--gradcam-layer")
        {
            Description = "The layer Grad-CAM explains (default: the last Conv2D layer, block5_conv3 in VGG16).",
            HelpName = "LAYER",
        };
        var noExplain = new Option<bool>("--no-explain")
        {
            Description = "Leave out the Grad-CAM outputs (explain_class, explain/*).",
        };
        var output = new Option<string>("--out")
        {
            Description = "The .onnx file to write (replaced atomically if it exists).",
            HelpName = "FILE.onnx",
            Required = true,
        };
        var command = new Command("export", "Write a model with initialized weights as an ONNX file.");
        model.AddTo(command);
        command.Add(seed);
        command.Add(classNames);
        command.Add(gradCamLayer);
        command.Add(noExplain);
        command.Add(output);
        command.Validators.Add(result =>
        {
            if (result.GetValue(noExplain) && result.GetValue(gradCamLayer) is { } layer)
                result.AddError($"--no-explain and --gradcam-layer {layer} contradict each other; give one of them.");
        });
        command.SetAction(parse =>
        {
            string path = Path.GetFullPath(parse.GetRequiredValue(output));
            CheckWritable(path);
            long s = parse.GetValue(seed);
            var names = parse.GetValue(classNames)?.Split(',').Select(n => n.Trim()).ToList();
            var m = model.Network(parse, s) with { ClassNames = names ?? [] };
            var info = ExportInfo.For(m);
            if (parse.GetValue(noExplain)) info = info.WithGradCamLayer(m, null);
            else if (parse.GetValue(gradCamLayer) is { } layer) info = info.WithGradCamLayer(m, layer);
            try
            {
                Exporter.Save(m, info, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--out expects a writable file path; cannot write '{path}': {e.Message}", e);
            }
            string explain = info.GradCamLayer is { } l ? $", Grad-CAM on {l}" : "";
            parse.InvocationConfiguration.Output.WriteLine(
                $"Wrote {path}: {info.ModelName}, {KerasSummary.Thousands(m.ParamCount)} parameters, input ({string.Join(", ", m.Input.KerasShape)}) as NCHW, seed {s}{explain}.");
            return 0;
        });
        return command;
    }

    /// <summary>Fails before any work when the path cannot be a file we write: a folder, or in a folder that does not exist.</summary>
    private static void CheckWritable(string path)
    {
        if (Directory.Exists(path))
            throw new CliException($"--out expects a file path; '{path}' is a folder.");
        string? folder = Path.GetDirectoryName(path);
        if (folder is not null && !Directory.Exists(folder))
            throw new CliException($"--out expects a file in an existing folder; folder '{folder}' does not exist.");
    }
}
