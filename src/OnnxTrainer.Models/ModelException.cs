namespace OnnxTrainer.Models;

/// <summary>A model description that cannot be built: the message says what was expected and what was given.</summary>
public sealed class ModelException(string message) : Exception(message);
