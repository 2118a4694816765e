using System.Buffers.Binary;
using System.IO.Compression;
using OnnxTrainer.Data;

namespace OnnxTrainer.Data.Tests;

public sealed class IdxTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ImagesAndLabelsRoundTrip(bool gzip)
    {
        var (pixels, labels) = TempDirectory.Generate(count: 5, rows: 3, cols: 4, classes: 3);
        string images = _dir.File("images"), labelsPath = _dir.File("labels");
        Idx.WriteImages(images, pixels, 5, 3, 4, gzip);
        Idx.WriteLabels(labelsPath, labels, gzip);

        var read = Idx.ReadImages(images);
        Assert.Equal((5, 3, 4), (read.Count, read.Rows, read.Columns));
        Assert.Equal(pixels, read.Pixels);
        Assert.Equal(labels, Idx.ReadLabels(labelsPath));

        byte[] raw = File.ReadAllBytes(images);
        Assert.Equal(gzip, raw[0] == 0x1F && raw[1] == 0x8B);
    }

    [Fact]
    public void PlainFileHasTheIdxLayout()
    {
        string path = _dir.File("images");
        Idx.WriteImages(path, [1, 2, 3, 4, 5, 6], 2, 1, 3);
        byte[] expected = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6];
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void GzipIsDetectedByMagicNotByName()
    {
        var (pixels, labels) = TempDirectory.Generate(4, 2, 2, 2);
        string gzipWithoutSuffix = _dir.File("compressed-labels.idx");
        string plainWithGzSuffix = _dir.File("plain-labels.gz");
        Idx.WriteLabels(gzipWithoutSuffix, labels, gzip: true);
        Idx.WriteLabels(plainWithGzSuffix, labels, gzip: false);
        Assert.Equal(labels, Idx.ReadLabels(gzipWithoutSuffix));
        Assert.Equal(labels, Idx.ReadLabels(plainWithGzSuffix));

        string images = _dir.File("images.bin");
        Idx.WriteImages(images, pixels, 4, 2, 2, gzip: true);
        Assert.Equal(pixels, Idx.ReadImages(images).Pixels);
    }

    [Fact]
    public void ReadDatasetPairsImagesWithLabels()
    {
        var (pixels, labels) = TempDirectory.Generate(6, 2, 3, 3);
        Idx.WriteImages(_dir.File("i"), pixels, 6, 2, 3);
        Idx.WriteLabels(_dir.File("l"), labels, gzip: true);
        var ds = Idx.ReadDataset(_dir.File("i"), _dir.File("l"), ["a", "b", "c"]);
        Assert.Equal(6, ds.Count);
        Assert.Equal(new long[] { 1, 2, 3 }, ds.Shape);
        Assert.Equal(labels.Select(b => (int)b), ds.Labels.ToArray());
        Assert.Equal(pixels, ds.Pixels.ToArray());
    }

    private static byte[] Header(int magic, params int[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    public static TheoryData<string, string> MalformedImageCases() => new()
    {
        { "labels-as-images", "expected magic 0x00000803 (uint8 images [count, rows, cols]), found 0x00000801 (uint8 labels [count])" },
        { "not-idx", "found 0x89504E47 (not an IDX file)" },
        { "float-images", "found 0x00000D03 (float32 with 3 dimensions)" },
        { "empty", "too short for the 4-byte magic" },
        { "truncated-header", "the header needs 16 bytes, the file has 10" },
        { "truncated-data", "truncated: the header declares [3 x 2 x 2] (12 bytes of data), but only 7 bytes follow" },
        { "truncated-gzip-data", "truncated: the header declares [3 x 2 x 2] (12 bytes of data), but only 7 bytes follow" },
        { "trailing-data", "but 13 bytes follow the header" },
        { "corrupt-gzip", "does not decompress" },
    };

    private static byte[] MalformedImages(string kind) => kind switch
    {
        "labels-as-images" => [.. Header(Idx.LabelsMagic, 2), 1, 2],
        "not-idx" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
        "float-images" => [.. Header(0x00000D03, 1, 1, 1), 0, 0, 0, 0],
        "empty" => [],
        "truncated-header" => Header(Idx.ImagesMagic, 3, 2, 2)[..10],
        "truncated-data" => [.. Header(Idx.ImagesMagic, 3, 2, 2), 1, 2, 3, 4, 5, 6, 7],
        "truncated-gzip-data" => Gzip([.. Header(Idx.ImagesMagic, 3, 2, 2), 1, 2, 3, 4, 5, 6, 7]),
        "trailing-data" => [.. Header(Idx.ImagesMagic, 3, 2, 2), .. new byte[13]],
        "corrupt-gzip" => [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(MalformedImageCases))]
    public void MalformedImagesFileGivesErrorNamingTheFile(string kind, string fault)
    {
        string path = _dir.File(kind + "-images-idx3-ubyte");
        File.WriteAllBytes(path, MalformedImages(kind));
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains($"'{path}'", ex.Message);
        Assert.Contains(fault, ex.Message);
    }

    [Fact]
    public void ImagesFileReadAsLabelsSaysWhatWasExpected()
    {
        string path = _dir.File("train-images-idx3-ubyte");
        Idx.WriteImages(path, new byte[4], 1, 2, 2);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));
        Assert.Contains($"'{path}'", ex.Message);
        Assert.Contains("expected magic 0x00000801 (uint8 labels [count]), found 0x00000803 (uint8 images [count, rows, cols])", ex.Message);
    }

    [Fact]
    public void MissingFileIsFileNotFoundNamingIt()
    {
        string path = _dir.File("absent-idx1-ubyte");
        var ex = Assert.Throws<FileNotFoundException>(() => Idx.ReadLabels(path));
        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.FileName);
    }

    [Fact]
    public void CountMismatchNamesBothFiles()
    {
        string images = _dir.File("train-images"), labels = _dir.File("t10k-labels");
        Idx.WriteImages(images, new byte[3 * 4], 3, 2, 2);
        Idx.WriteLabels(labels, [0, 1]);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadDataset(images, labels, ["a", "b"]));
        Assert.Contains($"'{images}' hold 3 images", ex.Message);
        Assert.Contains($"'{labels}' hold 2 labels", ex.Message);
    }

    [Fact]
    public void LabelBeyondTheClassNamesIsAnError()
    {
        string images = _dir.File("i"), labels = _dir.File("l");
        Idx.WriteImages(images, new byte[2], 2, 1, 1);
        Idx.WriteLabels(labels, [0, 5]);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadDataset(images, labels, ["a", "b"]));
        Assert.Contains($"'{labels}'", ex.Message);
        Assert.Contains("label 5 at index 1", ex.Message);
    }
}
