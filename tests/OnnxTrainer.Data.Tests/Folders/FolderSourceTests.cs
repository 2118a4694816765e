using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Data.Tests.Folders;

public sealed class FolderSourceTests
{
    private static FolderOptions Exact(int h, int w) => new() { TargetSize = (h, w), Workers = 2 };

    private static float[] Fill(IExampleSource source, params int[] indices)
    {
        var shape = source.ExampleShape;
        var dst = new float[indices.Length * shape[0] * shape[1] * shape[2]];
        source.FillImages(indices, dst, null);
        return dst;
    }

    /// <summary>HWC bytes as the CHW floats a source delivers.</summary>
    private static float[] Chw(byte[] hwc, int h, int w, int c)
    {
        var chw = new float[hwc.Length];
        for (int p = 0; p < h * w; p++)
            for (int k = 0; k < c; k++)
                chw[k * h * w + p] = hwc[p * c + k];
        return chw;
    }

    [Fact]
    public void ClassesAreSortedSubfoldersAndEachFileKeepsItsFoldersLabel()
    {
        using var dir = new TempDirectory();
        var img = TestImages.Pattern(3, 4);
        foreach (var (cls, file) in new[] { ("dogs", "d1.png"), ("cats", "c2.png"), ("cats", "c10.png"), ("Birds", "b.png"), ("dogs", "deep/d0.png") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir.Path, cls, file))!);
            TestImages.Png(Path.Combine(dir.Path, cls, file), img, 3, 4);
        }
        File.WriteAllText(Path.Combine(dir.Path, "cats", "notes.txt"), "not an image, and not named like one");

        var source = FolderSource.Open(dir.Path, Exact(3, 4));

        Assert.Equal(["Birds", "cats", "dogs"], source.ClassNames); // ordinal, as Python's sorted()
        Assert.Equal(new[] { "Birds/b.png", "cats/c10.png", "cats/c2.png", "dogs/d1.png", "dogs/deep/d0.png" },
            source.Files.Select(f => Path.GetRelativePath(dir.Path, f)));
        Assert.Equal(new[] { 0, 1, 1, 2, 2 }, Enumerable.Range(0, source.Count).Select(source.Label));
        Assert.Equal(2, source.ClassIndices["dogs"]);
        Assert.Equal("Found 5 images belonging to 3 classes.", source.FoundMessage);
        Assert.Equal(new long[] { 3, 3, 4 }, source.ExampleShape);
    }

    [Fact]
    public void DecodesPngBmpGifWebpExactlyAndJpegClosely()
    {
        using var dir = new TempDirectory();
        const int h = 5, w = 6;
        var rgb = TestImages.Pattern(h, w, seed: 11);
        string cls = Path.Combine(dir.Path, "a");
        Directory.CreateDirectory(cls);
        TestImages.Png(Path.Combine(cls, "1.png"), rgb, h, w);
        TestImages.Bmp(Path.Combine(cls, "2.bmp"), rgb, h, w);
        File.WriteAllBytes(Path.Combine(cls, "3.webp"), ImageEncoder.Encode(rgb, h, w, 3, ImageFormat.Webp, quality: 100)); // lossless
        byte[][] palette = [[0, 0, 0], [250, 10, 20], [30, 240, 60], [5, 6, 255]];
        var indices = Enumerable.Range(0, h * w).Select(i => (byte)(i * 7 % 4)).ToArray();
        TestImages.Gif(Path.Combine(cls, "4.gif"), palette, indices, h, w);
        var smooth = new byte[h * w * 3];
        for (int i = 0; i < smooth.Length; i++) smooth[i] = (byte)(100 + i % 3 * 20);
        File.WriteAllBytes(Path.Combine(cls, "5.JPG"), ImageEncoder.Encode(smooth, h, w, 3, ImageFormat.Jpeg, quality: 100));

        var source = FolderSource.Open(dir.Path, Exact(h, w));
        Assert.Equal(5, source.Count);
        var all = Fill(source, 0, 1, 2, 3, 4);
        int per = 3 * h * w;
        var expected = Chw(rgb, h, w, 3);
        Assert.Equal(expected, all[..per]);
        Assert.Equal(expected, all[per..(2 * per)]);
        Assert.Equal(expected, all[(2 * per)..(3 * per)]);
        var gif = Chw(indices.SelectMany(i => palette[i]).ToArray(), h, w, 3);
        Assert.Equal(gif, all[(3 * per)..(4 * per)]);
        var jpeg = Chw(smooth, h, w, 3);
        for (int i = 0; i < per; i++) Assert.InRange(all[4 * per + i] - jpeg[i], -12, 12);
    }

    [Fact]
    public void GrayscaleUsesPilWeightsAndRgbRepeatsGrey()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "a"));
        TestImages.Png(Path.Combine(dir.Path, "a", "x.png"), [200, 100, 50, 7, 7, 7], 1, 2);

        var grey = FolderSource.Open(dir.Path, Exact(1, 2) with { ColorMode = ColorMode.Grayscale });
        Assert.Equal(new long[] { 1, 1, 2 }, grey.ExampleShape);
        // (200*19595 + 100*38470 + 50*7471 + 32768) >> 16 = 124; grey stays grey.
        Assert.Equal(new float[] { 124, 7 }, Fill(grey, 0));
    }

    [Fact]
    public void NearestResizeReadsPilsSourcePixels()
    {
        var src = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(); // 4x4, one channel, value = 4y + x
        Assert.Equal(new byte[] { 5, 7, 13, 15 }, ImageResize.Resize(src, 4, 4, 1, 2, 2, Interpolation.Nearest));
        Assert.Equal(new byte[] { 0, 0, 1, 1 }, ImageResize.Resize([0, 1], 1, 2, 1, 1, 4, Interpolation.Nearest));
    }

    [Fact]
    public void BilinearResizeIsPilsTriangleFilter()
    {
        // Upscaling [0, 100] to 4: centers 0.25, 0.75, 1.25, 1.75 -> 0, 25, 75, 100.
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, ImageResize.Resize([0, 100], 1, 2, 1, 1, 4, Interpolation.Bilinear));
        // Shrinking [0, 60, 120, 180] to 2: support widens to 2 pixels: (0*.75 + 60*.75 + 120*.25) / 1.75 = 42.86 -> 43.
        Assert.Equal(new byte[] { 43, 137 }, ImageResize.Resize([0, 60, 120, 180], 1, 4, 1, 1, 2, Interpolation.Bilinear));
        var flat = Enumerable.Repeat((byte)77, 7 * 5 * 3).ToArray();
        Assert.All(ImageResize.Resize(flat, 7, 5, 3, 3, 11, Interpolation.Bilinear), v => Assert.Equal(77, v));
    }

    [Fact]
    public void FolderOpensResizedToTheTargetSize()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "a"));
        var rgb = TestImages.Pattern(6, 8);
        TestImages.Png(Path.Combine(dir.Path, "a", "x.png"), rgb, 6, 8);
        var source = FolderSource.Open(dir.Path, Exact(3, 4) with { Interpolation = Interpolation.Bilinear });
        Assert.Equal(new long[] { 3, 3, 4 }, source.ExampleShape);
        Assert.Equal(Chw(ImageResize.Resize(rgb, 6, 8, 3, 3, 4, Interpolation.Bilinear), 3, 4, 3), Fill(source, 0));
    }

    [Fact]
    public void ValidationSplitHoldsOutTheFirstSortedFilesOfEachClass()
    {
        using var dir = new TempDirectory();
        var img = TestImages.Pattern(2, 2);
        foreach (var cls in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, cls));
            for (int i = 0; i < (cls == "a" ? 10 : 4); i++) TestImages.Png(Path.Combine(dir.Path, cls, $"{cls}{i}.png"), img, 2, 2);
        }
        var options = Exact(2, 2) with { ValidationSplit = 0.3 };
        var validation = FolderSource.Open(dir.Path, options with { Subset = Subset.Validation });
        var training = FolderSource.Open(dir.Path, options with { Subset = Subset.Training });

        // int(0.3 * 10) = 3 of a, int(0.3 * 4) = 1 of b; sorted by name ("a0", "a1", "a2"), as Keras.
        Assert.Equal(new[] { "a0.png", "a1.png", "a2.png", "b0.png" }, validation.Files.Select(Path.GetFileName));
        Assert.Equal(new[] { 0, 0, 0, 1 }, Enumerable.Range(0, validation.Count).Select(validation.Label));
        Assert.Equal(10, training.Count);
        Assert.Equal("a3.png", Path.GetFileName(training.Files[0]));
        Assert.Empty(training.Files.Intersect(validation.Files));
        Assert.Equal("Found 4 images belonging to 2 classes.", validation.FoundMessage);
    }

    [Fact]
    public void ClassModesWriteBinaryOneHotAndSparseTargets()
    {
        using var dir = new TempDirectory();
        var img = TestImages.Pattern(2, 2);
        foreach (var cls in new[] { "x", "y", "z" })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, cls));
            TestImages.Png(Path.Combine(dir.Path, cls, "1.png"), img, 2, 2);
        }
        var categorical = FolderSource.Open(dir.Path, Exact(2, 2) with { ClassMode = ClassMode.Categorical });
        var targets = new float[2 * 3];
        categorical.FillTargets([2, 0], targets);
        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0 }, targets);

        var sparse = FolderSource.Open(dir.Path, Exact(2, 2) with { ClassMode = ClassMode.Sparse });
        var labels = new float[3];
        sparse.FillTargets([1, 2, 0], labels);
        Assert.Equal(new float[] { 1, 2, 0 }, labels);

        var ex = Assert.Throws<InvalidDataException>(() => FolderSource.Open(dir.Path, Exact(2, 2) with { ClassMode = ClassMode.Binary }));
        Assert.Contains("binary needs exactly 2 classes", ex.Message);
        Directory.Delete(Path.Combine(dir.Path, "z"), recursive: true);
        var binary = FolderSource.Open(dir.Path, Exact(2, 2) with { ClassMode = ClassMode.Binary });
        var bits = new float[2];
        binary.FillTargets([1, 0], bits);
        Assert.Equal(new float[] { 1, 0 }, bits);
    }

    [Fact]
    public void EmptyOrClasslessFoldersSayWhatWasExpected()
    {
        using var dir = new TempDirectory();
        var noClasses = Assert.Throws<InvalidDataException>(() => FolderSource.Open(dir.Path, Exact(2, 2)));
        Assert.Contains("no class subfolders", noClasses.Message);
        Directory.CreateDirectory(Path.Combine(dir.Path, "cats"));
        var empty = Assert.Throws<InvalidDataException>(() => FolderSource.Open(dir.Path, Exact(2, 2)));
        Assert.Contains("Found 0 images", empty.Message);
        Assert.Throws<DirectoryNotFoundException>(() => FolderSource.Open(Path.Combine(dir.Path, "missing"), Exact(2, 2)));
    }
}
