namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// A file that cannot be imported: the message is one line naming the file, node or op and what to do (control
/// characters from names in a damaged file are shown as \uXXXX, so the message stays one line).
/// </summary>
public sealed class ImportException(string message, Exception? inner = null) : Exception(OneLine(message), inner)
{
    private static string OneLine(string s) =>
        s.Any(char.IsControl) ? string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : s;
}
