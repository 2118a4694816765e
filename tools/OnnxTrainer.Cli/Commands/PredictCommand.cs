using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxTrainer.Runtime;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer predict MODEL.onnx IMAGE... [--top K] [--json]: the class and probability of each image.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new RuntimeModelOptions();
        var images = new Argument<string[]>("IMAGE") { Description = "Image files (PNG, JPEG, GIF, BMP, WebP), resized to the model's input.", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top")
        {
            Description = "How many classes to print per image, most probable first. Default 1.",
            HelpName = "K",
            DefaultValueFactory = _ => 1,
            CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--top", 1, 100000) ?? 1),
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document: per image its top classes with index, name and probability." };
        var command = new Command("predict", "Print the predicted class and probability of each image.");
        model.AddTo(command);
        command.Add(images);
        command.Add(top);
        command.Add(json);
        command.SetAction(parse =>
        {
            using var m = model.Load(parse);
            if (m.Info.Head == HeadKind.Other)
                throw new CliException($"predict needs a classifier; model '{m.Info.Name}' has none (its output is a base's features). Export it with a head, for example --head dense256.");
            var paths = parse.GetRequiredValue(images);
            var bitmaps = new List<SkiaSharp.SKBitmap>();
            try
            {
                foreach (var p in paths)
                {
                    try
                    {
                        bitmaps.Add(ImageLoader.Decode(p));
                    }
                    catch (ImageDecodeException e)
                    {
                        throw new CliException($"IMAGE '{p}': {e.Message}", e);
                    }
                }
                var predictions = m.PredictBatch(bitmaps);
                int k = parse.GetValue(top);
                var output = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json))
                {
                    var doc = paths.Select((p, i) => new
                    {
                        image = p,
                        top = predictions[i].TopK(k).Select(c => new { index = c.Index, @class = c.Name, probability = c.Probability }),
                    });
                    output.WriteLine(JsonSerializer.Serialize(new { model = m.Info.Name, predictions = doc }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                }
                else
                {
                    for (int i = 0; i < paths.Length; i++)
                        output.WriteLine($"{paths[i]}: " + string.Join(", ", predictions[i].TopK(k).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {c.Probability:0.0000}"))));
                }
            }
            finally
            {
                foreach (var b in bitmaps) b.Dispose();
            }
            return 0;
        });
        return command;
    }
}
