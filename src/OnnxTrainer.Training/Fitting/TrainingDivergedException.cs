namespace OnnxTrainer.Training.Fitting;

/// <summary>The loss became NaN or infinite; the message names the epoch and step, and the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
