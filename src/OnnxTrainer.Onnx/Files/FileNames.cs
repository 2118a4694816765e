namespace OnnxTrainer.Onnx.Files;

/// <summary>File names .NET cannot represent: on Linux it decodes name bytes that are not UTF-8 to U+FFFD, so such a name cannot be opened again.</summary>
#if ONNXTRAINER_RUNTIME
internal
#else
public
#endif
static class FileNames
{
    /// <summary>Throws when <paramref name="path"/> holds U+FFFD, which is how .NET shows name bytes that are not UTF-8.</summary>
    /// <exception cref="ArgumentException">The path holds U+FFFD; the message starts with <paramref name="what"/>.</exception>
    public static void CheckUtf8(string path, string what)
    {
        if (path.Contains('\uFFFD'))
            throw new ArgumentException(
                $"{what}: '{path}' holds bytes that are not UTF-8 (shown as U+FFFD); .NET on Linux cannot open or create such a name. Rename it to UTF-8.");
    }

    /// <summary>The error for a path that was not found: names the U+FFFD problem when that is the cause.</summary>
    public static string NotFound(string path, string what) =>
        path.Contains('\uFFFD')
            ? $"{what} '{path}' cannot be opened: its name holds bytes that are not UTF-8 (shown as U+FFFD), which .NET on Linux cannot represent. Rename it to UTF-8."
            : $"{what} '{path}' does not exist.";
}
