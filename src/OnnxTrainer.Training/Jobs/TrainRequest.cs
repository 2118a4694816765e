using OnnxTrainer.Models;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Jobs;

/// <summary>What `onnx-trainer train` was asked to do.</summary>
public sealed record TrainRequest
{
    public required ModelRecipe Recipe { get; init; }

    /// <summary>A data spec: fashion-mnist[:DIR], mnist:DIR, folders:DIR.</summary>
    public required string Data { get; init; }

    /// <summary>ImageDataGenerator parameters for the training data (AugmentOptions.Parse form); null for none.</summary>
    public string? Augment { get; init; }

    /// <summary>Skip image files that cannot be decoded (counted in a warning) instead of failing.</summary>
    public bool SkipBadImages { get; init; }

    /// <summary>Keras validation_split: the last fraction of the training data validates (0 for none).</summary>
    public double ValidationSplit { get; init; }

    public FitOptions Fit { get; init; } = new();
    public string Optimizer { get; init; } = "rmsprop";

    /// <summary>Keras loss name; null picks binary or categorical crossentropy from the output.</summary>
    public string? Loss { get; init; }

    public string? WeightsPath { get; init; }
    public bool Resume { get; init; }
    public required string OutDir { get; init; }

    /// <summary>Listing 5.24: curves.png also shows the curves smoothed with this factor (raw points faint); null for raw only.</summary>
    public double? SmoothCurves { get; init; }
}

/// <summary>Where a training run put its files, and its test metrics (NaN, with TestCount 0, when the data has no test set).</summary>
public sealed record TrainResult(string ModelPath, string CheckpointPath, string HistoryPath, string CurvesPath,
    double TestLoss, double TestAcc, History History, int TestCount);
