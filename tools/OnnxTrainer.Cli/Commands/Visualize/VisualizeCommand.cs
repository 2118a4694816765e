using System.CommandLine;

namespace OnnxTrainer.Cli.Commands.Visualize;

/// <summary>onnx-trainer visualize: what convnets learn (seeds/003 section 5.4). One subcommand per file.</summary>
public static class VisualizeCommand
{
    public static Command Create() => new("visualize", "Pictures of what a convnet learned: intermediate activations, filter patterns.")
    {
        ActivationsCommand.Create(),
        FiltersCommand.Create(),
    };
}
