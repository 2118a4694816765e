using System.Buffers.Binary;
using System.IO.Compression;

namespace OnnxTrainer.Data;

/// <summary>Images from an IDX file: <see cref="Count"/> row-major uint8 images of <see cref="Rows"/> x <see cref="Columns"/>.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// IDX files as MNIST and Fashion-MNIST ship them: a big-endian magic (0x00 0x00, type 0x08 = uint8, number of
/// dimensions), one big-endian int32 per dimension, then the values. Files may be gzip-compressed; that is detected
/// from the gzip magic bytes 1f 8b, not from the file name.
/// </summary>
public static class Idx
{
    /// <summary>uint8, three dimensions: [count, rows, columns].</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>uint8, one dimension: [count].</summary>
    public const int LabelsMagic = 0x00000801;

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not uint8 IDX images, or is truncated or too long.</exception>
    public static IdxImages ReadImages(string path)
    {
        var (bytes, dims) = ReadIdx(path, ImagesMagic);
        var (count, rows, columns) = (dims[0], dims[1], dims[2]);
        byte[] pixels = bytes.AsSpan(16).ToArray();
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not uint8 IDX labels, or is truncated or too long.</exception>
    public static byte[] ReadLabels(string path) => ReadIdx(path, LabelsMagic).Bytes.AsSpan(8).ToArray();

    /// <summary>
    /// Reads a matching pair of image and label files (single-channel images) into a dataset. Every label must be
    /// below <c>classNames.Count</c>.
    /// </summary>
    public static ImageDataset ReadDataset(string imagesPath, string labelsPath, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new InvalidDataException(
                $"IDX images '{imagesPath}' hold {images.Count} images but labels '{labelsPath}' hold {labels.Length} labels; "
                + "the two files must come from the same set (train-* with train-*, t10k-* with t10k-*).");
        var intLabels = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classNames.Count)
                throw new InvalidDataException(
                    $"IDX labels '{labelsPath}': label {labels[i]} at index {i} is not below the {classNames.Count} class names given.");
            intLabels[i] = labels[i];
        }
        return new ImageDataset(images.Pixels, 1, images.Rows, images.Columns, intLabels, classNames);
    }

    /// <summary>Writes uint8 images [count, rows, columns] (gzip-compressed when <paramref name="gzip"/>).</summary>
    public static void WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int rows, int columns, bool gzip = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)count * rows * columns != pixels.Length)
            throw new ArgumentException($"{count} images of {rows}x{columns} need {(long)count * rows * columns} bytes, got {pixels.Length}.", nameof(pixels));
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], rows);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], columns);
        WriteFile(path, header, pixels, gzip);
    }

    /// <summary>Writes uint8 labels [count] (gzip-compressed when <paramref name="gzip"/>).</summary>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels, bool gzip = false)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        WriteFile(path, header, labels, gzip);
    }

    private static void WriteFile(string path, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, bool gzip)
    {
        byte[] head = header.ToArray(), body = data.ToArray();
        Onnx.Files.SafeFile.Write(path, file =>
        {
            if (!gzip)
            {
                file.Write(head);
                file.Write(body);
                return;
            }
            using var zip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
            zip.Write(head);
            zip.Write(body);
        }, "IDX file");
    }

    /// <summary>The whole (decompressed) file and its dimensions, checked against the expected magic and length.</summary>
    private static (byte[] Bytes, int[] Dims) ReadIdx(string path, int expectedMagic)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        byte[] bytes = ReadMaybeGzip(path);
        string where = $"IDX file '{path}'";
        int ndims = expectedMagic & 0xFF;
        int headerBytes = 4 + 4 * ndims;
        if (bytes.Length < 4)
            throw new InvalidDataException($"{where}: truncated: {bytes.Length} bytes, too short for the 4-byte magic (expected 0x{expectedMagic:X8}, {Describe(expectedMagic)}).");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new InvalidDataException(
                $"{where}: expected magic 0x{expectedMagic:X8} ({Describe(expectedMagic)}), found 0x{magic:X8} ({Describe(magic)}).");
        if (bytes.Length < headerBytes)
            throw new InvalidDataException($"{where}: truncated: the header needs {headerBytes} bytes, the file has {bytes.Length}.");
        var dims = new int[ndims];
        long expected = 1;
        for (int d = 0; d < ndims; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dims[d] < 0)
                throw new InvalidDataException($"{where}: dimension {d} is negative ({dims[d]}).");
            expected *= dims[d];
        }
        long actual = bytes.Length - headerBytes;
        string shape = string.Join(" x ", dims);
        if (actual < expected)
            throw new InvalidDataException(
                $"{where}: truncated: the header declares [{shape}] ({expected} bytes of data), but only {actual} bytes follow the header.");
        if (actual > expected)
            throw new InvalidDataException(
                $"{where}: the header declares [{shape}] ({expected} bytes of data), but {actual} bytes follow the header; the file is corrupt or not what its header says.");
        return (bytes, dims);
    }

    private static byte[] ReadMaybeGzip(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B)
            return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var result = new MemoryStream(raw.Length * 4);
            gzip.CopyTo(result);
            return result.Length == result.Capacity ? result.GetBuffer() : result.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"IDX file '{path}': starts with the gzip magic 1f 8b but does not decompress ({ex.Message}).", ex);
        }
    }

    private static string Describe(int magic)
    {
        if ((magic & unchecked((int)0xFFFF0000)) != 0)
            return "not an IDX file";
        int type = (magic >> 8) & 0xFF;
        int ndims = magic & 0xFF;
        string typeName = type switch
        {
            0x08 => "uint8",
            0x09 => "int8",
            0x0B => "int16",
            0x0C => "int32",
            0x0D => "float32",
            0x0E => "float64",
            _ => $"unknown type 0x{type:X2}",
        };
        return (type, ndims) switch
        {
            (0x08, 3) => "uint8 images [count, rows, cols]",
            (0x08, 1) => "uint8 labels [count]",
            _ => $"{typeName} with {ndims} dimension{(ndims == 1 ? "" : "s")}",
        };
    }
}
