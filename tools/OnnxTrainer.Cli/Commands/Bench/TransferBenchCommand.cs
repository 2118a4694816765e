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
        var baseModel = new Option<string>("--base") { Description = "vgg16 (default) or resnet18 (the ImageNet ResNet18 tools/get-resnet18.sh restores; cut at its last block, gap-dense head, last stage fine-tuned).", HelpName = "NAME", DefaultValueFactory = _ => "vgg16" };
        var resnet18 = new Option<string?>("--resnet18") { Description = "ResNet18.onnx for --base resnet18 (default: where tools/get-resnet18.sh restores it).", HelpName = "FILE" };
        var device = DeviceOption.Create();
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: one per core).", HelpName = "N", DefaultValueFactory = _ => 0, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--threads", 0, 1024) ?? 0) };
        var command = new Command("transfer", "Images/s of VGG16 transfer learning: base forward (feature extraction), head training on the frozen base, fine-tuning from block5_conv1; and peak resident memory.");
        foreach (Option o in new Option[] { baseModel, resnet18, workload, batch, size, repeats, from, device, threads }) command.Add(o);
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
                var timing = parse.GetValue(baseModel) switch
                {
                    "vgg16" => TransferBenchmark.Run(w, [s, s, 3], parse.GetValue(batch), parse.GetValue(repeats), parse.GetValue(device),
                        parse.GetValue(threads), parse.GetValue(from)!),
                    "resnet18" => TransferBenchmark.RunResNet18(parse.GetValue(resnet18) ?? ResNet18Demo.DefaultPath, w, [s, s, 3], parse.GetValue(batch),
                        parse.GetValue(repeats), parse.GetValue(device), parse.GetValue(threads)),
                    var other => throw new CliException($"--base expects vgg16 or resnet18, got '{other}'."),
                };
                o.WriteLine(timing.ToString());
            }
            if (MedianTimer.PeakResidentMiB() is { } mib)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak resident memory: {mib:0} MiB"));
            return 0;
        });
        return command;
    }
}
