namespace OnnxTrainer.Onnx.Import;

/// <summary>A file that cannot be imported: the message is one line naming the file, node or op and what to do.</summary>
public sealed class ImportException(string message, Exception? inner = null) : Exception(message, inner);
