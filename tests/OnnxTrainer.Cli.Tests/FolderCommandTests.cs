using System.Globalization;
using OnnxTrainer.Data;
using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Cli.Tests;

/// <summary>data make-folders, train --data folders:DIR (with --augment and bad files), augment-preview, end to end.</summary>
public class FolderCommandTests
{
    private static string MakeFolders(TempFolder t)
    {
        string dir = t["folders"];
        var made = CliRun.Of("data", "make-folders", "--from", BandedDigits.Write(t), "--classes", "7,2", "--size", "28", "--per-class", "20,10,10", "--out", dir).Succeeded();
        Assert.StartsWith($"Wrote {dir}: classes 2, 7, 28x28 RGB PNG.", made.Stdout);
        return dir;
    }

    [Fact]
    public void MakeFoldersThenTrainFromThemPrintsKerasFoundLinesAndLearns()
    {
        using var t = new TempFolder();
        string dir = MakeFolders(t);
        foreach (var (split, n) in new[] { ("train", 20), ("validation", 10), ("test", 10) })
            foreach (var cls in new[] { "2", "7" })
                Assert.Equal(n, Directory.GetFiles(Path.Combine(dir, split, cls), "*.png").Length);

        var trained = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + dir, "--epochs", "3", "--batch-size", "10",
            "--lr", "1e-3", "--out", t["run"]).Succeeded();
        Assert.Contains("Found 40 images belonging to 2 classes.\nFound 20 images belonging to 2 classes.\nFound 20 images belonging to 2 classes.\n", trained.Stdout);
        Assert.Contains("40 training, 20 validation, 20 test images, 2 classes.", trained.Stdout);
        int i = trained.Stdout.IndexOf("test_acc: ", StringComparison.Ordinal);
        double acc = double.Parse(trained.Stdout.Substring(i + 10, 6), CultureInfo.InvariantCulture);
        Assert.True(acc >= 0.9, $"test_acc {acc} on two row-band classes:\n{trained.Stdout}");
        var evaluated = CliRun.Of("evaluate", Path.Combine(t["run"], "model.onnx"), "--data", "folders:" + dir).Succeeded();
        Assert.Contains(trained.Stdout.Substring(i, 16), evaluated.Stdout); // "test_acc: 0.xxxx" of the same 20 test images

        var augmented = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + dir, "--epochs", "1", "--batch-size", "10",
            "--augment", "rotation_range=10,width_shift_range=0.1,zoom_range=0.1", "--out", t["augmented"]).Succeeded();
        Assert.Contains("2 classes, training data augmented.", augmented.Stdout);

        var bad = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + dir, "--augment", "rotate=10", "--out", t["bad-augment"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("unknown parameter 'rotate'", bad.Stderr);
    }

    [Fact]
    public void ABadImageStopsTrainingWithOneErrorLineNamingItOrIsSkippedWithAWarning()
    {
        using var t = new TempFolder();
        string dir = MakeFolders(t);
        string corrupt = Path.Combine(dir, "train", "7", "broken.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F']); // a JPEG that stops after its first marker

        var failed = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + dir, "--epochs", "1", "--out", t["run"]);
        Assert.Equal(2, failed.ExitCode);
        Assert.StartsWith($"error: '{corrupt}' is not a readable image:", failed.Stderr);
        Assert.Equal(1, failed.Stderr.Count(c => c == '\n'));

        var skipped = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + dir, "--epochs", "1", "--skip-bad-images", "--out", t["run2"]).Succeeded();
        Assert.Contains($"warning: skipped 1 unreadable file under '{Path.Combine(dir, "train")}' (first: '{corrupt}'", skipped.Stdout);
        Assert.Contains("Found 40 images belonging to 2 classes.", skipped.Stdout);
    }

    [Fact]
    public void AugmentPreviewWritesAGridOfTransformedCopies()
    {
        using var t = new TempFolder();
        const int h = 30, w = 40;
        var rgb = new byte[h * w * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 37 % 251);
        string image = t["cat.png"];
        ImageEncoder.Save(image, rgb, h, w, 3, ImageFormat.Png);

        string grid = t["grid.png"];
        var run = CliRun.Of("augment-preview", image, "--augment", "horizontal_flip=true", "--count", "6", "--columns", "3", "--seed", "4", "--out", grid).Succeeded();
        Assert.StartsWith($"Wrote {grid}: 6 augmented versions of {image} (136x72)", run.Stdout);
        var (pixels, gh, gw) = ImageDecoder.Decode(grid, ColorMode.Rgb);
        Assert.Equal((2 * h + 3 * 4, 3 * w + 4 * 4), (gh, gw));
        int mirrored = 0;
        for (int k = 0; k < 6; k++)
        {
            int top = 4 + k / 3 * (h + 4), left = 4 + k % 3 * (w + 4);
            bool same = true, mirror = true;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        byte v = pixels[((top + y) * gw + left + x) * 3 + c];
                        same &= v == rgb[(y * w + x) * 3 + c];
                        mirror &= v == rgb[(y * w + w - 1 - x) * 3 + c];
                    }
            Assert.True(same || mirror, $"tile {k} is neither the image nor its mirror");
            mirrored += mirror ? 1 : 0;
        }
        Assert.InRange(mirrored, 1, 5);
    }
}
