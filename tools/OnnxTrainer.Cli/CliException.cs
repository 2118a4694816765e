namespace OnnxTrainer.Cli;

/// <summary>A command line that cannot be carried out; the message says what was expected and what was given.</summary>
public sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
