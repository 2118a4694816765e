using System.CommandLine;
using OnnxTrainer.Models;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer summary: Keras' model.summary() of a zoo model, after the trainable weight tensor count.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var model = new ModelOptions(withWeights: true);
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts as Keras' model.summary() does.");
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var m = model.Build(parse);
            var o = parse.InvocationConfiguration.Output;
            if (model.WeightsPath(parse) is not null) model.Network(parse, seed: 1); // checks the file fits, says what it holds
            o.WriteLine($"Model: {m.Name}");
            // len(model.trainable_weights) of len(model.weights), before the table so the output ends with Keras' totals.
            o.WriteLine($"Trainable weight tensors: {m.TrainableWeightCount} of {m.WeightCount}");
            o.Write(KerasSummary.Render(m));
            return 0;
        });
        return command;
    }
}
