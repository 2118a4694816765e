using Onnx;

namespace OnnxTrainer.Onnx;

/// <summary>
/// Reads an initializer that a model keeps in a separate file (TensorProto.data_location EXTERNAL, with external_data
/// keys location, offset and length). The file must lie in the model's folder or below it.
/// </summary>
internal static class ExternalData
{
    public static byte[] Read(TensorProto p, string? baseDirectory)
    {
        var entries = p.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        string location = entries.GetValueOrDefault("location")
            ?? throw new InvalidDataException($"Initializer '{p.Name}' is marked as external data but names no file (no 'location').");
        if (baseDirectory is null)
            throw new InvalidDataException(
                $"Initializer '{p.Name}' keeps its data in the file '{location}'; load the model from its file, with '{location}' beside it.");
        string root = Path.GetFullPath(baseDirectory);
        string file = Path.GetFullPath(Path.Combine(root, location));
        if (Path.IsPathRooted(location) || !file.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidDataException($"Initializer '{p.Name}' names the data file '{location}' outside the model's folder '{root}'.");
        if (!File.Exists(file))
            throw new InvalidDataException($"Initializer '{p.Name}' keeps its data in '{location}', which is missing (looked for '{file}'); put the data file beside the model.");
        long offset = long.TryParse(entries.GetValueOrDefault("offset", "0"), out var o) ? o : -1;
        long count = p.Dims.Aggregate(1L, (a, d) => a * d) * ((ElementType)p.DataType).ByteSize();
        long length = entries.TryGetValue("length", out var l) ? (long.TryParse(l, out var n) ? n : -1) : count;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read);
        if (offset < 0 || length != count || offset + length > stream.Length)
            throw new InvalidDataException(
                $"Initializer '{p.Name}': external data '{location}' (offset {offset}, length {length}) does not hold the {count} bytes of shape [{string.Join(",", p.Dims)}] (file size {stream.Length}).");
        var bytes = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }
}
