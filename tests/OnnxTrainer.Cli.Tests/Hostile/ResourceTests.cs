using OnnxTrainer.Data.Folders;
using static OnnxTrainer.Cli.Tests.Hostile.HostileFiles;

namespace OnnxTrainer.Cli.Tests.Hostile;

/// <summary>
/// Options and images that would take unbounded memory (issue 11, cases 2, 3, 4): refused with one line, from the
/// estimate or the declared size, before anything large is allocated, and with nothing written.
/// </summary>
public class ResourceTests
{
    public static TheoryData<string[], string[]> OversizedOptions => new()
    {
        { ["export", "mnist-convnet", "--input-shape", "3000,3000,3", "--out", "{dir}/m.onnx"], ["Model 'mnist-convnet'", "parameter 'dense_1/W' would hold 2,279,489,536 values"] },
        { ["export", "mnist-convnet", "--classes", "100000000", "--out", "{dir}/m.onnx"], ["parameter 'dense_2/W' would hold 6,400,000,000 values"] },
        { ["export", "mnist-convnet", "--input-shape", "100000,100000,3", "--out", "{dir}/m.onnx"], ["parameter 'dense_1/W' would hold"] },
        { ["export", "mnist-convnet", "--input-shape", "1500,1500,3", "--out", "{dir}/m.onnx"], ["an .onnx file holds at most 2 GiB (protobuf's limit)"] },
        { ["train", "mnist-convnet", "--input-shape", "100000,100000,1", "--data", "{data}", "--out", "{dir}/run"], ["would hold"] },
        { ["train", "mnist-convnet", "--data", "{data}", "--batch-size", "1000000000", "--out", "{dir}/run"], ["The train step of mnist-convnet at --batch-size 1000000000 needs about", "the largest batch size that fits is"] },
        { ["train", "mnist-convnet", "--data", "{data}", "--batch-size", "100", "--max-memory", "20M", "--out", "{dir}/run"], ["at --batch-size 100 needs about", "but --max-memory allows 20.0 MiB", "not even batch size 1 fits"] },
        { ["train", "mnist-convnet", "--data", "{data}", "--max-memory", "lots", "--out", "{dir}/run"], ["--max-memory expects a size in bytes", "'lots'"] },
        { ["bench", "train-step", "mnist-convnet", "--batch-size", "4096", "--max-memory", "200M"], ["The train step of mnist-convnet at --batch-size 4096 needs about", "but --max-memory allows 200.0 MiB; the largest batch size that fits is"] },
        { ["evaluate", "{dir}/small.onnx", "--data", "{data}", "--batch-size", "1000000000"], ["Evaluating '{dir}/small.onnx' at --batch-size 1000000000 needs about", "the largest batch size that fits is"] },
    };

    [Theory]
    [MemberData(nameof(OversizedOptions))]
    public void Oversized_options_are_refused_before_allocating(string[] args, string[] mentions)
    {
        using var t = new TempFolder();
        string data = BandedDigits.Write(t);
        CliRun.Of("export", "mnist-convnet", "--out", t["small.onnx"]).Succeeded();
        var before = Snapshot(t.Path);
        long allocated = GC.GetTotalAllocatedBytes();

        var run = CliRun.Of(args.Select(a => a.Replace("{dir}", t.Path).Replace("{data}", data)).ToArray());

        AssertRefused(run, mentions.Select(m => m.Replace("{dir}", t.Path)).ToArray());
        Assert.True(GC.GetTotalAllocatedBytes() - allocated < 400L << 20, $"{(GC.GetTotalAllocatedBytes() - allocated) >> 20} MiB allocated before refusing");
        Assert.Equal(before, Snapshot(t.Path));
    }

    [Fact]
    public void The_memory_refusal_names_a_batch_size_that_then_fits()
    {
        var refused = CliRun.Of("bench", "train-step", "mnist-convnet", "--batch-size", "4096", "--max-memory", "200M");
        string text = refused.Stderr;
        int at = text.IndexOf("the largest batch size that fits is ", StringComparison.Ordinal);
        Assert.True(at > 0, text);
        int fits = int.Parse(text[(at + 36)..].TrimEnd('\n', '.'));
        Assert.InRange(fits, 16, 4095);
        var next = CliRun.Of("bench", "train-step", "mnist-convnet", "--batch-size", (fits + 1).ToString(), "--max-memory", "200M", "--repeats", "1");
        Assert.Equal(2, next.ExitCode);
        CliRun.Of("bench", "train-step", "mnist-convnet", "--batch-size", fits.ToString(), "--max-memory", "200M", "--repeats", "1").Succeeded();
    }

    [Fact]
    public void Bomb_pngs_in_a_training_folder_are_refused_by_name_or_skipped()
    {
        using var t = new TempFolder();
        foreach (var cls in new[] { "a", "b" })
        {
            Directory.CreateDirectory(t[$"data/train/{cls}"]);
            for (int i = 0; i < 3; i++)
            {
                var grey = Enumerable.Range(0, 28 * 28).Select(p => (byte)(cls == "a" ? p % 28 * 9 : p / 28 * 9)).ToArray();
                ImageEncoder.Save(t[$"data/train/{cls}/{i}.png"], grey, 28, 28, 1, ImageFormat.Png);
            }
        }
        string bomb = t["data/train/a/bomb.png"], big = t["data/train/b/big.png"];
        File.WriteAllBytes(bomb, PngHeaderOnly(100_000, 100_000)); // 10 gigapixels in a few dozen bytes
        File.WriteAllBytes(big, PngHeaderOnly(20_000, 20_000));
        var before = Snapshot(t["data"]);

        var refused = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + t["data"], "--epochs", "1", "--out", t["run"]);
        AssertRefused(refused, $"'{bomb}' is not a readable image: the image declares 100000x100000 = 10,000,000,000 pixels; at most 40,000,000 are accepted (the pixel limit)",
            "2 unreadable files");
        Assert.False(Directory.Exists(t["run"]));

        var skipped = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + t["data"], "--epochs", "1", "--batch-size", "3",
            "--skip-bad-images", "--out", t["run2"]).Succeeded();
        Assert.Contains($"warning: skipped 2 unreadable files under '{t["data/train"]}' (first: '{bomb}' is not a readable image: the image declares 100000x100000", skipped.Stdout);
        Assert.Contains("Found 6 images belonging to 2 classes.", skipped.Stdout);
        Assert.Equal(before, Snapshot(t["data"]));
    }

    [Fact]
    public void Augment_preview_refuses_a_bomb_and_a_grid_over_the_pixel_limit()
    {
        using var t = new TempFolder();
        File.WriteAllBytes(t["bomb.png"], PngHeaderOnly(100_000, 100_000));
        var rgb = new byte[60 * 50 * 3];
        ImageEncoder.Save(t["small.png"], rgb, 60, 50, 3, ImageFormat.Png);
        File.WriteAllText(t["grid.png"], "keep me");
        var before = Snapshot(t.Path);

        AssertRefused(CliRun.Of("augment-preview", t["bomb.png"], "--out", t["grid.png"]), "the image declares 100000x100000 = 10,000,000,000 pixels");
        AssertRefused(CliRun.Of("augment-preview", t["small.png"], "--count", "8", "--max-image-pixels", "20000", "--out", t["grid.png"]),
            "8 tiles of 50x60 make 24,000 pixels, over the pixel limit of 20,000; resize first (--size) or draw fewer (--count)");
        Assert.Equal(before, Snapshot(t.Path));
        CliRun.Of("augment-preview", t["small.png"], "--count", "6", "--max-image-pixels", "20000", "--out", t["grid.png"]).Succeeded();
    }

    [Fact]
    public void A_fifo_named_like_an_image_is_reported_without_being_opened()
    {
        using var t = new TempFolder();
        Directory.CreateDirectory(t["data/train/a"]);
        Directory.CreateDirectory(t["data/train/b"]);
        Tool("mkfifo", t["data/train/a/pipe.png"]);
        File.WriteAllBytes(t["data/train/b/x.png"], PngHeaderOnly(4, 4));

        var run = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + t["data"], "--out", t["run"]);

        AssertRefused(run, $"'{t["data/train/a/pipe.png"]}' is not a readable image: it is a FIFO (named pipe), not a regular file");
    }
}
