namespace OnnxTrainer.Data.Folders;

/// <summary>
/// An image file that cannot be read: not an image, an unsupported format, truncated or corrupt. Names the file.
/// (A FormatException because InvalidDataException is sealed; the command line reports both as one error line.)
/// </summary>
public sealed class ImageFileException(string path, string reason)
    : FormatException($"'{path}' is not a readable image: {reason}.")
{
    /// <summary>The file that could not be read.</summary>
    public string Path { get; } = path;
    /// <summary>Why, in a few words.</summary>
    public string Reason { get; } = reason;
}
