using System.CommandLine;
using System.Globalization;
using OnnxTrainer.Training.Serving;
using OnnxTrainer.Onnx;
using OnnxTrainer.Runtime;
using OnnxTrainer.Runtime.Imaging;

namespace OnnxTrainer.Cli.Commands.Visualize;

/// <summary>
/// onnx-trainer visualize filters MODEL.onnx --layer LAYER [--size 64] --out grid.png: listings 5.32-5.39, the pattern
/// each of the first 64 filters responds to most, by 40 steps of gradient ascent in input space, on an 8x8 grid.
/// </summary>
public static class FiltersCommand
{
    public static Command Create()
    {
        var model = new RuntimeModelOptions();
        var layer = new Option<string>("--layer") { Description = "The layer whose filters to show, for example block3_conv1.", HelpName = "LAYER", Required = true };
        var size = new Option<int>("--size")
        {
            Description = "Pattern size in pixels. Default 64 (listing 5.39).",
            HelpName = "N",
            DefaultValueFactory = _ => 64,
            CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--size", 8, 1024) ?? 64),
        };
        var filters = new Option<int>("--filters")
        {
            Description = "How many filters, from filter 0. Default 64 (an 8x8 grid).",
            HelpName = "N",
            DefaultValueFactory = _ => 64,
            CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--filters", 1, 4096) ?? 64),
        };
        var steps = new Option<int>("--steps")
        {
            Description = "Gradient ascent steps of size 1. Default 40 (listing 5.36).",
            HelpName = "N",
            DefaultValueFactory = _ => 40,
            CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--steps", 0, 100000) ?? 40),
        };
        var stepSize = new Option<float>("--step")
        {
            Description = "Size of each step in raw pixel units (0..255). Default 1 (listing 5.36, whose VGG input is caffe-preprocessed pixels; " +
                          "a rescale model sees 1/255 of it, so its patterns grow slower: raise --step or --steps).",
            HelpName = "X",
            DefaultValueFactory = _ => 1f,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the starting noise. Default 0.",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
            CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--seed", int.MinValue, int.MaxValue) ?? 0),
        };
        var output = new Option<string>("--out") { Description = "The grid picture: .png, .jpg or .jpeg.", HelpName = "FILE.png", Required = true };
        var command = new Command("filters", "Write the patterns the first filters of a layer respond to most, on an 8x8 grid (gradient ascent in input space).");
        model.AddTo(command);
        command.Add(layer);
        command.Add(size);
        command.Add(filters);
        command.Add(steps);
        command.Add(stepSize);
        command.Add(seed);
        command.Add(output);
        command.SetAction(parse =>
        {
            string outPath = Path.GetFullPath(parse.GetRequiredValue(output));
            RuntimeModelOptions.CheckWritableFile(outPath, "--out");
            ImageFiles.FormatOf(outPath);
            string name = parse.GetRequiredValue(layer);
            int n = parse.GetValue(size);
            var (graph, value) = ServingGraphs.Filters(model.Graph(parse), name, n);
            var options = model.Options(parse);
            if (options.Device != ExecutionDevice.Cpu) throw new CliException("visualize filters runs on the CPU only; leave out --device.");
            using var ascent = new FilterAscent(OnnxModel.ToBytes(graph), options.IntraOpThreads);
            int available = (int)graph.TypeOf(value).Dims[1];
            var chosen = Enumerable.Range(0, Math.Min(parse.GetValue(filters), available)).ToList();
            float step = parse.GetValue(stepSize);
            if (!(step > 0) || float.IsInfinity(step)) throw new CliException($"--step expects a positive number, got {step.ToString(CultureInfo.InvariantCulture)}.");
            var results = ascent.Run(chosen, parse.GetValue(steps), step, parse.GetValue(seed));
            var tiles = results.Select(r => FilterAscent.Deprocess(r.Image, ascent.Channels, n, n)).ToList();
            try
            {
                using var grid = FilterAscent.Grid(tiles, rows: 8, margin: 5);
                ImageFiles.Save(grid, outPath);
                parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {outPath}: filters 0-{chosen.Count - 1} of {name} ({available} in all), {n}x{n}, {parse.GetValue(steps)} steps of {step:G4}; mean activation {results.Average(r => r.InitialLoss):G4} at the start, {results.Average(r => r.Loss):G4} at the end (averages over the filters)."));
            }
            finally
            {
                foreach (var t in tiles) t.Dispose();
            }
            return 0;
        });
        return command;
    }
}
