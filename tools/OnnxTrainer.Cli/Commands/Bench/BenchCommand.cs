using System.CommandLine;

namespace OnnxTrainer.Cli.Commands.Bench;

/// <summary>onnx-trainer bench: throughput measurements printed as numbers (never asserted by tests). One subcommand per file.</summary>
public static class BenchCommand
{
    public static Command Create() => new("bench", "Measure throughput (images/s) of training steps and other hot paths.")
    {
        TrainStepBenchCommand.Create(),
        PredictBenchCommand.Create(),
        GradCamBenchCommand.Create(),
        TransferBenchCommand.Create(),
        PipelineBenchCommand.Create(),
    };
}
