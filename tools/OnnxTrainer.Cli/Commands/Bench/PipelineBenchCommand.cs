using System.CommandLine;
using OnnxTrainer.Data.Pipeline;

namespace OnnxTrainer.Cli.Commands.Bench;

/// <summary>onnx-trainer bench pipeline: images/s of the input pipeline at 150x150 RGB with listing 5.14's augmentation.</summary>
public static class PipelineBenchCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "An image folder with one subfolder per class (default: 256 synthetic 500x375 JPEGs in a temporary folder).", HelpName = "DIR" };
        var batch = new Option<int>("--batch-size") { Description = "Images per batch. Default 32.", HelpName = "N", DefaultValueFactory = _ => 32, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--batch-size", 1, 4096) ?? 32) };
        var batches = new Option<int>("--batches") { Description = "Timed batches per measurement. Default 20.", HelpName = "N", DefaultValueFactory = _ => 20, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--batches", 1, 100000) ?? 20) };
        var workers = new Option<int>("--workers") { Description = "Decoding and augmenting threads (0: one per core). Default 0.", HelpName = "N", DefaultValueFactory = _ => 0, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--workers", 0, 1024) ?? 0) };
        var prefetch = new Option<int>("--prefetch") { Description = "Batches prepared ahead. Default 2.", HelpName = "N", DefaultValueFactory = _ => 2, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--prefetch", 1, 64) ?? 2) };
        var command = new Command("pipeline", "Images/s of the input pipeline: decode, resize to 150x150 RGB and augment as listing 5.14, on all cores with prefetching.")
        {
            data, batch, batches, workers, prefetch,
        };
        command.SetAction(parse =>
        {
            string? dir = parse.GetValue(data);
            if (dir is not null && !Directory.Exists(dir)) throw new CliException($"--data: folder '{dir}' does not exist.");
            foreach (var timing in PipelineBenchmark.Run(dir, parse.GetValue(batch), parse.GetValue(batches), parse.GetValue(workers), parse.GetValue(prefetch)))
                parse.InvocationConfiguration.Output.WriteLine(timing.ToString());
            return 0;
        });
        return command;
    }
}
