using OnnxTrainer.Runtime;

namespace OnnxTrainer.Training.Fitting;

/// <summary>model.fit's arguments, and where to keep the resumable checkpoint.</summary>
public sealed record FitOptions
{
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 32;

    /// <summary>Batches per epoch; null for one pass over the data (the last batch may be partial).</summary>
    public int? StepsPerEpoch { get; init; }

    /// <summary>Validation batches per epoch; null for the whole validation set.</summary>
    public int? ValidationSteps { get; init; }

    public bool Shuffle { get; init; } = true;
    public long Seed { get; init; } = 1;
    public double LearningRate { get; init; } = 1e-3;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    public EarlyStopping? EarlyStopping { get; init; }
    public ModelCheckpoint? ModelCheckpoint { get; init; }

    /// <summary>Checkpoint written atomically after every epoch (resume point); null for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Augment training batches (the source decides how); validation never is.</summary>
    public bool Augment { get; init; }

    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;
    public int Threads { get; init; }

    /// <summary>Refuse to start when the step graphs' estimated memory exceeds this (null: the machine's available memory).</summary>
    public long? MaxMemory { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {BatchSize}.");
        if (StepsPerEpoch is < 1) throw new ArgumentException($"--steps-per-epoch must be at least 1, got {StepsPerEpoch}.");
        if (ValidationSteps is < 1) throw new ArgumentException($"--validation-steps must be at least 1, got {ValidationSteps}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"--lr must be a positive number, got {LearningRate}.");
    }
}
