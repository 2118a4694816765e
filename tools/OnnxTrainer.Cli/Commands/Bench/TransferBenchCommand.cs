using System.CommandLine;
using System.Globalization;
using OnnxTrainer.Training.Bench;
using OnnxTrainer.Training.Transfer;

namespace OnnxTrainer.Cli.Commands.Bench;

/// <summary>onnx-trainer bench transfer: VGG16 feature extraction (forward), frozen-base head training and block5 fine-tuning, images/s and peak memory.</summary>
public static class TransferBenchCommand
{
    public static Command Create()
    {
        var workload = new Option<string>("--workload") { Description = "forward, frozen, fine-tune or all. Default all.", HelpName = "NAME", DefaultValueFactory = _ => "all" };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step. Default 20 (the chapter's).", HelpName = "N", DefaultValueFactory = _ => 20, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--batch-size", 1, 4096) ?? 20) };
        var size = new Option<int>("--size") { Description = "Input height and width. Default 150.", HelpName = "N", DefaultValueFactory = _ => 150, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--size", 32, 4096) ?? 150) };
        var repeats = new Option<int>("--repeats") { Description = "Timed steps after 2 warm-up steps. Default 5.", HelpName = "N", DefaultValueFactory = _ => 5, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--repeats", 1, 100000) ?? 5) };
        var from = new Option<string>("--trainable-from") { Description = "First trainable layer of the fine-tune workload. Default block5_conv1.", HelpName = "LAYER", DefaultValueFactory = _ => "block5_conv1" };
        var device = DeviceOption.Create();
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: one per core).", HelpName = "N", DefaultValueFactory = _ => 0, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--threads", 0, 1024) ?? 0) };
        var command = new Command("transfer", "Images/s of VGG16 transfer learning: base forward (feature extraction), head training on the frozen base, fine-tuning from block5_conv1; and peak resident memory.");
        foreach (Option o in new Option[] { workload, batch, size, repeats, from, device, threads }) command.Add(o);
        command.SetAction(parse =>
        {
            string which = parse.GetValue(workload)!;
            var workloads = which == "all" ? TransferBenchmark.Workloads : [which];
            if (!TransferBenchmark.Workloads.Contains(workloads[0]))
                throw new CliException($"--workload expects forward, frozen, fine-tune or all; got '{which}'.");
            int s = parse.GetValue(size);
            var o = parse.InvocationConfiguration.Output;
            foreach (var w in workloads)
            {
                var timing = TransferBenchmark.Run(w, [s, s, 3], parse.GetValue(batch), parse.GetValue(repeats), parse.GetValue(device),
                    parse.GetValue(threads), parse.GetValue(from)!);
                o.WriteLine(timing.ToString());
            }
            if (MedianTimer.PeakResidentMiB() is { } mib)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak resident memory: {mib:0} MiB"));
            return 0;
        });
        return command;
    }
}
