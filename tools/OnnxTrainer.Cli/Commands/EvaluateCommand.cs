using System.CommandLine;
using System.Globalization;
using OnnxTrainer.Training.Jobs;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer evaluate: model.evaluate of an exported model on a data set's test split.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var modelPath = new Argument<string>("MODEL.onnx") { Description = "A model exported by onnx-trainer." };
        var data = new Option<string>("--data") { Description = "fashion-mnist, fashion-mnist:DIR or mnist:DIR (its test split).", HelpName = "SPEC", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Examples per batch. Default 64.", HelpName = "N", DefaultValueFactory = _ => 64, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--batch-size", 1, int.MaxValue) ?? 64) };
        var device = DeviceOption.Create();
        var maxMemory = MaxMemoryOption.Create();
        var command = new Command("evaluate", "Print test_loss and test_acc of an exported model.") { modelPath, data, batch, device, maxMemory };
        command.SetAction(parse =>
        {
            var (loss, acc, count) = EvaluateJob.Run(parse.GetRequiredValue(modelPath), parse.GetRequiredValue(data), parse.GetValue(batch), parse.GetValue(device), parse.GetValue(maxMemory));
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test_loss: {loss:0.0000} - test_acc: {acc:0.0000} ({count} test images)"));
            return 0;
        });
        return command;
    }
}
