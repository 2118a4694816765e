using System.CommandLine;
using OnnxTrainer.Training.Serving;
using OnnxTrainer.Onnx;
using OnnxTrainer.Runtime;
using OnnxTrainer.Runtime.Imaging;

namespace OnnxTrainer.Cli.Commands.Visualize;

/// <summary>
/// onnx-trainer visualize activations MODEL.onnx IMAGE [--layers N] --out DIR: listings 5.27-5.31, one grid picture
/// per layer, 16 channels a row, each channel normalized as listing 5.31 does.
/// </summary>
public static class ActivationsCommand
{
    /// <summary>Small maps are enlarged (nearest) until a cell is at least this many pixels wide.</summary>
    private const int MinCellPixels = 32;

    public static Command Create()
    {
        var model = new RuntimeModelOptions();
        var image = new Argument<string>("IMAGE") { Description = "The input picture (PNG, JPEG, GIF, BMP, WebP)." };
        var layers = new Option<int>("--layers")
        {
            Description = "How many of the first conv and pooling layers to show. Default 8 (listing 5.27's model.layers[:8]).",
            HelpName = "N",
            DefaultValueFactory = _ => 8,
            CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--layers", 1, 1000) ?? 8),
        };
        var perRow = new Option<int>("--per-row")
        {
            Description = "Channels per row. Default 16 (listing 5.31's images_per_row).",
            HelpName = "N",
            DefaultValueFactory = _ => 16,
            CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--per-row", 1, 4096) ?? 16),
        };
        var output = new Option<string>("--out") { Description = "Folder for the pictures (made if missing): NN-LAYER.png.", HelpName = "DIR", Required = true };
        var command = new Command("activations", "Write every channel of the first layers' activations on an image as one grid picture per layer.");
        model.AddTo(command);
        command.Add(image);
        command.Add(layers);
        command.Add(perRow);
        command.Add(output);
        command.SetAction(parse =>
        {
            string dir = Path.GetFullPath(parse.GetRequiredValue(output));
            if (File.Exists(dir)) throw new CliException($"--out expects a folder; '{dir}' is a file.");
            // the activation model of listing 5.27: the same graph with the first feature maps as outputs
            var (graph, exposed) = ServingGraphs.WithActivations(model.Graph(parse), parse.GetValue(layers));
            if (exposed.Count == 0) throw new CliException("The model has no Conv2D or pooling layers to show.");
            using var m = model.Load(parse, OnnxModel.ToBytes(graph));
            using var picture = ImageLoader.Decode(parse.GetRequiredValue(image));
            var maps = m.Activations(picture, exposed);
            Directory.CreateDirectory(dir);
            var writer = parse.InvocationConfiguration.Output;
            for (int i = 0; i < maps.Count; i++)
            {
                var map = maps[i];
                int scale = Math.Max(1, (MinCellPixels + Math.Min(map.Width, map.Height) - 1) / Math.Min(map.Width, map.Height));
                using var grid = ActivationGrid.Render(map, parse.GetValue(perRow), scale);
                string file = Path.Combine(dir, $"{i + 1:00}-{map.Name}.png");
                ImageFiles.Save(grid, file);
                writer.WriteLine($"Wrote {file}: {map.Name}, {map.Channels} channels of {map.Height}x{map.Width}{(scale > 1 ? $" (shown {scale}x)" : "")}.");
            }
            return 0;
        });
        return command;
    }
}
