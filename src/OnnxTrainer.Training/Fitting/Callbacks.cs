namespace OnnxTrainer.Training.Fitting;

/// <summary>Which way a monitored quantity improves: up for accuracies, down for losses (Keras mode 'auto').</summary>
public static class Monitor
{
    public static bool HigherIsBetter(string monitor) => monitor.EndsWith("acc", StringComparison.Ordinal) || monitor.EndsWith("accuracy", StringComparison.Ordinal);

    public static bool Improves(string monitor, double current, double? best, double minDelta = 0) =>
        best is null || (HigherIsBetter(monitor) ? current > best + minDelta : current < best - minDelta);
}

/// <summary>Keras EarlyStopping: stop after <see cref="Patience"/> epochs without improvement of <see cref="Monitor"/>.</summary>
public sealed record EarlyStopping(string Monitor = "val_loss", int Patience = 0, double MinDelta = 0, bool RestoreBestWeights = false);

/// <summary>Keras ModelCheckpoint: export the model to <see cref="Path"/> after an epoch (only when <see cref="Monitor"/> improved, with save-best-only).</summary>
public sealed record ModelCheckpoint(string Path, string Monitor = "val_loss", bool SaveBestOnly = true);
