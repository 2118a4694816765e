using System.CommandLine;
using OnnxTrainer.Training.Bench;

namespace OnnxTrainer.Cli.Commands.Bench;

/// <summary>onnx-trainer bench train-step MODEL [model options] --batch-size N: median images/s of one fused train step.</summary>
public static class TrainStepBenchCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var batch = new Option<int>("--batch-size") { Description = "Examples per step. Default 32.", HelpName = "N", DefaultValueFactory = _ => 32, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--batch-size", 1, 4096) ?? 32) };
        var repeats = new Option<int>("--repeats") { Description = "Timed steps after 3 warm-up steps. Default 20.", HelpName = "N", DefaultValueFactory = _ => 20, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--repeats", 1, 100000) ?? 20) };
        var optimizer = new Option<string>("--optimizer") { Description = "rmsprop, sgd, adam or adamw.", HelpName = "NAME", DefaultValueFactory = _ => "rmsprop" };
        var device = DeviceOption.Create();
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: one per core).", HelpName = "N", DefaultValueFactory = _ => 0, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--threads", 0, 1024) ?? 0) };
        var command = new Command("train-step", "Images/s of the train step (forward, loss, backward, update in one ONNX Runtime call) on random data.");
        model.AddTo(command);
        command.Add(batch);
        command.Add(repeats);
        command.Add(optimizer);
        command.Add(device);
        command.Add(threads);
        var maxMemory = MaxMemoryOption.Create();
        command.Add(maxMemory);
        command.SetAction(parse =>
        {
            var timing = TrainStepBenchmark.Run(model.Network(parse, seed: 1), parse.GetValue(batch), warmup: 3, repeats: parse.GetValue(repeats),
                device: parse.GetValue(device), threads: parse.GetValue(threads), optimizer: parse.GetValue(optimizer)!, maxMemory: parse.GetValue(maxMemory));
            parse.InvocationConfiguration.Output.WriteLine(timing.ToString());
            return 0;
        });
        return command;
    }
}
