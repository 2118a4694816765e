using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Data.Tests.Folders;

public sealed class BadFileTests
{
    /// <summary>Class a: a0.png, a1.png (good), a2.jpg (text); class b: b0.png (truncated), b1.png (good).</summary>
    private static TempDirectory FolderWithBadFiles()
    {
        var dir = new TempDirectory();
        foreach (var cls in new[] { "a", "b" }) Directory.CreateDirectory(Path.Combine(dir.Path, cls));
        TestImages.Png(Path.Combine(dir.Path, "a", "a0.png"), TestImages.Pattern(4, 4, 1), 4, 4);
        TestImages.Png(Path.Combine(dir.Path, "a", "a1.png"), TestImages.Pattern(4, 4, 2), 4, 4);
        File.WriteAllText(Path.Combine(dir.Path, "a", "a2.jpg"), "<html>this is a web page saved as a .jpg</html>");
        var full = ImageEncoder.Encode(TestImages.Pattern(4, 4, 3), 4, 4, 3, ImageFormat.Png);
        File.WriteAllBytes(Path.Combine(dir.Path, "b", "b0.png"), full[..(full.Length * 2 / 3)]);
        TestImages.Png(Path.Combine(dir.Path, "b", "b1.png"), TestImages.Pattern(4, 4, 4), 4, 4);
        return dir;
    }

    [Fact]
    public void TheFirstBadFileFailsTheOpenNamingItAndCountingTheRest()
    {
        using var dir = FolderWithBadFiles();
        var ex = Assert.Throws<ImageFileException>(() => FolderSource.Open(dir.Path, new FolderOptions { TargetSize = (4, 4), Workers = 3 }));
        Assert.Equal(Path.Combine(dir.Path, "a", "a2.jpg"), ex.Path);
        Assert.Contains("a2.jpg' is not a readable image: not a JPEG, PNG, BMP, GIF or WebP file", ex.Message);
        Assert.Contains("2 unreadable files", ex.Message);
        Assert.Contains("--skip-bad-images", ex.Message);
    }

    [Fact]
    public void TruncatedFilesAreReportedAsTruncated()
    {
        using var dir = FolderWithBadFiles();
        var ex = Assert.Throws<ImageFileException>(() => ImageDecoder.Decode(Path.Combine(dir.Path, "b", "b0.png"), ColorMode.Rgb));
        Assert.Contains("b0.png", ex.Message);
        Assert.Contains("truncated", ex.Message);
        var empty = Path.Combine(dir.Path, "empty.png");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", Assert.Throws<ImageFileException>(() => ImageDecoder.Decode(empty, ColorMode.Rgb)).Message);
    }

    [Fact]
    public void SkippingDropsBadFilesWithoutShiftingAnyLabel()
    {
        using var dir = FolderWithBadFiles();
        var source = FolderSource.Open(dir.Path, new FolderOptions { TargetSize = (4, 4), SkipBadFiles = true, Workers = 3 });

        Assert.Equal(new[] { "a0.png", "a1.png", "b1.png" }, source.Files.Select(Path.GetFileName));
        Assert.Equal(new[] { 0, 0, 1 }, Enumerable.Range(0, source.Count).Select(source.Label));
        Assert.Equal(2, source.Skipped.Count);
        Assert.Equal("Found 3 images belonging to 2 classes.", source.FoundMessage);
        Assert.StartsWith($"warning: skipped 2 unreadable files under '{dir.Path}' (first: '", source.SkippedWarning);
        // The pixels of index 2 are b1.png's, not a neighbour's.
        var pixels = new float[3 * 16];
        source.FillImages([2], pixels, null);
        Assert.Equal(TestImages.Pattern(4, 4, 4)[0], pixels[0]);
        Assert.Equal(TestImages.Pattern(4, 4, 4)[3 * 15 + 2], pixels[2 * 16 + 15]);
    }

    [Fact]
    public void AFileThatGoesBadAfterOpeningFailsOnTheCallersThreadNamingIt()
    {
        using var dir = FolderWithBadFiles();
        File.Delete(Path.Combine(dir.Path, "a", "a2.jpg"));
        File.Delete(Path.Combine(dir.Path, "b", "b0.png"));
        var source = FolderSource.Open(dir.Path, new FolderOptions { TargetSize = (4, 4), Workers = 3, CacheLimitBytes = 0 });
        File.WriteAllText(Path.Combine(dir.Path, "a", "a1.png"), "overwritten");

        var ex = Assert.Throws<ImageFileException>(() => source.FillImages([0, 1, 2, 1], new float[4 * 48], null));
        Assert.Equal(Path.Combine(dir.Path, "a", "a1.png"), ex.Path);
    }
}
