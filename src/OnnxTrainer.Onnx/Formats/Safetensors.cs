using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OnnxTrainer.Onnx.Formats;

/// <summary>The contents of a safetensors file: tensors in header order, and the <c>__metadata__</c> strings.</summary>
public sealed record SafetensorsFile(IReadOnlyList<Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The tensor with this name, or an exception listing the names present.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public Tensor this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"No tensor '{name}' in safetensors file; it holds: {string.Join(", ", Tensors.Select(t => t.Name))}.");
}

/// <summary>
/// The safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c> padded with
/// spaces to a multiple of 8, then the data buffer (offsets are relative to its start, little-endian values).
/// Writing is deterministic: tensors in the given order, metadata first with keys sorted ordinally.
/// </summary>
public static class Safetensors
{
    /// <summary>The header key of the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Headers above this size are rejected as corrupt (the reference implementation uses the same bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>
    /// Writes atomically through <see cref="Files.SafeFile"/>: a temporary file of this writer, flushed to disk, renamed
    /// over <paramref name="path"/>. If anything throws before the rename, a previous file at <paramref name="path"/> is
    /// left untouched.
    /// </summary>
    /// <exception cref="ArgumentException">Two tensors share a name, a tensor is named <see cref="MetadataKey"/> or has an element type safetensors cannot hold, or <paramref name="path"/> cannot be written (a folder, a device, a missing folder).</exception>
    public static void Write(string path, IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        Files.SafeFile.Write(path, stream => WriteTo(stream, tensors, metadata), "safetensors file");
    }

    /// <summary>The exact bytes <see cref="Write"/> puts in a file.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, a tensor is named <see cref="MetadataKey"/>, or has an element type safetensors cannot hold.</exception>
    public static byte[] ToBytes(IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Writes the format to a stream (header, then each tensor's little-endian data in order).</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, a tensor is named <see cref="MetadataKey"/>, or has an element type safetensors cannot hold.</exception>
    public static void WriteTo(Stream stream, IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        RequireLittleEndian();
        var list = tensors.ToList();
        byte[] header = Header(list, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in list)
            WriteData(stream, t);
    }

    /// <summary>Reads a safetensors file; F16, BF16 and F64 tensors become float tensors.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file and the fault.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        return Parse(path, length, (offset, destination) =>
        {
            int done = 0;
            while (done < destination.Length)
            {
                int n = RandomAccess.Read(handle, destination[done..], offset + done);
                if (n == 0) throw new InvalidDataException($"Safetensors file '{path}': unexpected end of file at byte {offset + done}; the file is truncated.");
                done += n;
            }
        });
    }

    /// <summary>Parses safetensors bytes held in memory; <paramref name="name"/> is used in error messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid safetensors; the message names <paramref name="name"/> and the fault.</exception>
    public static SafetensorsFile FromBytes(byte[] bytes, string name = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Parse(name, bytes.Length, (offset, destination) => bytes.AsSpan((int)offset, destination.Length).CopyTo(destination));
    }

    private delegate void ReadAt(long offset, Span<byte> destination);

    private sealed record Entry(string Name, string Dtype, long[] Shape, long Begin, long End);

    private static SafetensorsFile Parse(string file, long fileLength, ReadAt readAt)
    {
        RequireLittleEndian();
        string where = $"Safetensors file '{file}'";
        if (fileLength < 8)
            throw new InvalidDataException($"{where}: {fileLength} bytes is too short to hold the 8-byte header length; the file is truncated or not safetensors.");
        Span<byte> lengthBytes = stackalloc byte[8];
        readAt(0, lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new InvalidDataException($"{where}: header length {headerLength} is beyond the end of the file ({fileLength} bytes); the file is truncated or not safetensors.");
        if (headerLength > MaxHeaderBytes)
            throw new InvalidDataException($"{where}: header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit; the file is corrupt.");
        var header = new byte[headerLength];
        readAt(8, header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        var (entries, metadata) = ParseHeader(where, header);
        CheckOffsets(where, entries, dataLength);

        var tensors = new List<Tensor>(entries.Count);
        foreach (var e in entries)
        {
            var raw = new byte[e.End - e.Begin];
            readAt(dataStart + e.Begin, raw);
            tensors.Add(Decode(e, raw));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    private static (List<Entry>, Dictionary<string, string>) ParseHeader(string where, byte[] header)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: the header is not valid JSON ({ex.Message}).", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{where}: the header must be a JSON object, found {root.ValueKind}.");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new InvalidDataException($"{where}: the header names '{property.Name}' twice.");
                if (property.Name == MetadataKey)
                    ReadMetadata(where, property.Value, metadata);
                else
                    entries.Add(ReadEntry(where, property.Name, property.Value));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string where, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{where}: {MetadataKey} must be an object of strings, found {value.ValueKind}.");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{where}: {MetadataKey} value for '{item.Name}' must be a string, found {item.Value.ValueKind}.");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new InvalidDataException($"{where}: {MetadataKey} names '{item.Name}' twice.");
        }
    }

    private static Entry ReadEntry(string where, string name, JsonElement value)
    {
        string what = $"{where}: tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{what} must be an object with dtype, shape and data_offsets, found {value.ValueKind}.");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{what} has no string \"dtype\".");
        string dtype = dtypeElement.GetString()!;
        if (DtypeSize(dtype) == 0)
            throw new InvalidDataException($"{what} has unknown dtype \"{dtype}\"; supported: F32, F16, BF16, F64, I64, I32, U8, BOOL.");
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{what} has no \"shape\" array.");
        var shape = new long[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new InvalidDataException($"{what}: shape entries must be non-negative integers, found {d.GetRawText()}.");
            shape[i++] = dim;
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidDataException($"{what} has no \"data_offsets\" array of two integers [begin, end].");
        if (!TryGetInt64(offsets[0], out long begin) || !TryGetInt64(offsets[1], out long end) || begin < 0 || end < begin)
            throw new InvalidDataException($"{what}: data_offsets must be integers 0 <= begin <= end, found {offsets.GetRawText()}.");

        long size = DtypeSize(dtype);
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim != 0 && count > long.MaxValue / dim / size)
                throw new InvalidDataException($"{what}: shape [{string.Join(",", shape)}] is too large.");
            count *= dim;
        }
        if (count * size != end - begin)
            throw new InvalidDataException(
                $"{what}: shape [{string.Join(",", shape)}] of {dtype} needs {count * size} bytes, but data_offsets [{begin},{end}] span {end - begin}.");
        if (count > Array.MaxLength)
            throw new InvalidDataException($"{what}: {count} elements exceed the largest array .NET can hold.");
        return new Entry(name, dtype, shape, begin, end);
    }

    private static bool TryGetInt64(JsonElement e, out long value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value);
    }

    private static void CheckOffsets(string where, List<Entry> entries, long dataLength)
    {
        foreach (var e in entries)
            if (e.End > dataLength)
                throw new InvalidDataException(
                    $"{where}: tensor '{e.Name}' data_offsets [{e.Begin},{e.End}] are out of range: the data buffer holds {dataLength} bytes (the file is truncated or the header is wrong).");
        var byBegin = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        for (int i = 1; i < byBegin.Count; i++)
        {
            var (a, b) = (byBegin[i - 1], byBegin[i]);
            if (b.Begin < a.End)
                throw new InvalidDataException(
                    $"{where}: tensors '{a.Name}' [{a.Begin},{a.End}] and '{b.Name}' [{b.Begin},{b.End}] have overlapping data_offsets.");
        }
    }

    private static Tensor Decode(Entry e, byte[] raw) => e.Dtype switch
    {
        "F32" => Tensor.FromRawBytes(e.Name, ElementType.Float, e.Shape, raw),
        "I64" => Tensor.FromRawBytes(e.Name, ElementType.Int64, e.Shape, raw),
        "I32" => Tensor.FromRawBytes(e.Name, ElementType.Int32, e.Shape, raw),
        "U8" => Tensor.FromRawBytes(e.Name, ElementType.UInt8, e.Shape, raw),
        "BOOL" => Tensor.FromRawBytes(e.Name, ElementType.Bool, e.Shape, raw),
        "F16" => Tensor.FromFloats(e.Name, HalfToFloat(raw), e.Shape),
        "BF16" => Tensor.FromFloats(e.Name, BFloat16ToFloat(raw), e.Shape),
        "F64" => Tensor.FromFloats(e.Name, DoubleToFloat(raw), e.Shape),
        _ => throw new InvalidOperationException($"dtype {e.Dtype} passed validation but has no decoder"),
    };

    private static float[] HalfToFloat(byte[] raw)
    {
        var halves = MemoryMarshal.Cast<byte, Half>(raw);
        var result = new float[halves.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (float)halves[i];
        return result;
    }

    // bfloat16 is the top 16 bits of an IEEE float32.
    private static float[] BFloat16ToFloat(byte[] raw)
    {
        var bits = MemoryMarshal.Cast<byte, ushort>(raw);
        var result = new float[bits.Length];
        for (int i = 0; i < result.Length; i++) result[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
        return result;
    }

    private static float[] DoubleToFloat(byte[] raw)
    {
        var doubles = MemoryMarshal.Cast<byte, double>(raw);
        var result = new float[doubles.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (float)doubles[i];
        return result;
    }

    private static int DtypeSize(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F64" or "I64" => 8,
        "F16" or "BF16" => 2,
        "U8" or "BOOL" => 1,
        _ => 0,
    };

    private static string Dtype(Tensor t) => t.Elem switch
    {
        ElementType.Float => "F32",
        ElementType.Int64 => "I64",
        ElementType.Int32 => "I32",
        ElementType.UInt8 => "U8",
        ElementType.Bool => "BOOL",
        _ => throw new ArgumentException($"Tensor '{t.Name}': element type {t.Elem} has no safetensors dtype."),
    };

    private static byte[] Header(List<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var key in metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))
                    json.WriteString(key, metadata[key]);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                ArgumentNullException.ThrowIfNull(t, nameof(tensors));
                if (t.Name == MetadataKey)
                    throw new ArgumentException($"A tensor cannot be named '{MetadataKey}': the name is reserved for metadata.", nameof(tensors));
                if (!names.Add(t.Name))
                    throw new ArgumentException($"Two tensors are named '{t.Name}'; safetensors names must be unique.", nameof(tensors));
                long bytes = t.ElementCount * t.Elem.ByteSize();
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", Dtype(t));
                json.WriteStartArray("shape");
                foreach (long d in t.Dims) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data buffer starts at a multiple of 8 (8-byte length + header).
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteData(Stream stream, Tensor t)
    {
        switch (t.Data)
        {
            case float[] f when t.Elem == ElementType.Float: stream.Write(MemoryMarshal.AsBytes(f.AsSpan())); break;
            case long[] l when t.Elem == ElementType.Int64: stream.Write(MemoryMarshal.AsBytes(l.AsSpan())); break;
            case int[] i when t.Elem == ElementType.Int32: stream.Write(MemoryMarshal.AsBytes(i.AsSpan())); break;
            case byte[] b when t.Elem == ElementType.UInt8: stream.Write(b); break;
            case bool[] b when t.Elem == ElementType.Bool: stream.Write(MemoryMarshal.AsBytes(b.AsSpan())); break; // .NET bools are one byte, 0 or 1
            default:
                throw new ArgumentException($"Tensor '{t.Name}': element type {t.Elem} does not match its data ({t.Data.GetType().Name}).");
        }
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Safetensors reading and writing assumes a little-endian machine.");
    }
}
