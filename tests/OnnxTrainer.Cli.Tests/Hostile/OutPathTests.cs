using System.Text;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Files;
using static OnnxTrainer.Cli.Tests.Hostile.HostileFiles;

namespace OnnxTrainer.Cli.Tests.Hostile;

/// <summary>
/// --out aimed at special files, links, long and non-UTF-8 names, and several writers at once (issue 11, cases 1, 6, 10):
/// special files are refused with one line and left as they were; links to regular files are written through.
/// </summary>
public class OutPathTests
{
    [Fact]
    public void Export_refuses_a_fifo_a_folder_and_links_to_them_and_changes_nothing()
    {
        using var t = new TempFolder();
        Tool("mkfifo", t["fifo"]);
        Directory.CreateDirectory(t["folder"]);
        File.CreateSymbolicLink(t["to-fifo.onnx"], t["fifo"]);
        File.CreateSymbolicLink(t["to-folder.onnx"], t["folder"]);
        var before = Snapshot(t.Path);

        AssertRefused(CliRun.Of("export", "mnist-convnet", "--out", t["fifo"]), $"--out expects a regular file; '{t["fifo"]}' is a FIFO (named pipe); refusing to replace it.");
        AssertRefused(CliRun.Of("export", "mnist-convnet", "--out", t["folder"]), $"--out expects a file path; '{t["folder"]}' is a folder.");
        AssertRefused(CliRun.Of("export", "mnist-convnet", "--out", t["to-fifo.onnx"]), $"'{t["to-fifo.onnx"]}' is a symbolic link to '{t["fifo"]}', which is a FIFO (named pipe)");
        AssertRefused(CliRun.Of("export", "mnist-convnet", "--out", t["to-folder.onnx"]), $"which is a folder");
        AssertRefused(CliRun.Of("augment-preview", t["missing.png"], "--out", t["fifo"]), "a FIFO (named pipe)");

        Assert.Equal(before, Snapshot(t.Path));
    }

    [Fact]
    public void Export_and_augment_preview_refuse_device_nodes_and_change_nothing()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Console.WriteLine("skipped: creating a device node (mknod) needs root; the FIFO and folder cases cover the same check.");
            return;
        }
        using var t = new TempFolder();
        Tool("mknod", t["nulldev"], "c", "1", "3");
        File.WriteAllBytes(t["cat.png"], PngHeaderOnly(8, 8));
        var before = Snapshot(t.Path);

        AssertRefused(CliRun.Of("export", "mnist-convnet", "--out", t["nulldev"]), $"--out expects a regular file; '{t["nulldev"]}' is a character device; refusing to replace it.");
        AssertRefused(CliRun.Of("augment-preview", t["cat.png"], "--out", t["nulldev"]), "is a character device");
        AssertRefused(CliRun.Of("export", "mnist-convnet", "--out", "/dev/null"), "'/dev/null' is a character device");

        Assert.Equal(before, Snapshot(t.Path));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/null", followLinks: false));
    }

    [Fact]
    public void A_link_to_a_regular_file_is_written_through_and_stays_a_link()
    {
        using var t = new TempFolder();
        Directory.CreateDirectory(t["models"]);
        File.WriteAllText(t["models/real.onnx"], "old");
        File.CreateSymbolicLink(t["link.onnx"], "models/real.onnx");

        CliRun.Of("export", "mnist-convnet", "--out", t["link.onnx"]).Succeeded();

        Assert.Equal("models/real.onnx", new FileInfo(t["link.onnx"]).LinkTarget);
        Assert.Equal("input", OnnxModel.Load(t["models/real.onnx"]).Inputs[0].Name);
        Assert.Equal(["link.onnx", "models", Path.Combine("models", "real.onnx")], t.Contents()); // no temporary left
    }

    [Fact]
    public void A_253_byte_and_a_255_byte_name_are_written_and_a_256_byte_one_is_refused()
    {
        using var t = new TempFolder();
        foreach (int bytes in new[] { 253, 255 })
        {
            string name = new string('a', bytes - 5) + ".onnx";
            CliRun.Of("export", "mnist-convnet", "--out", t[name]).Succeeded();
            Assert.Equal("input", OnnxModel.Load(t[name]).Inputs[0].Name);
        }
        string multiByte = new string('é', 123) + ".onnx"; // 246 + 5 = 251 bytes: names are measured in UTF-8 bytes
        CliRun.Of("export", "mnist-convnet", "--out", t[multiByte]).Succeeded();
        var refused = CliRun.Of("export", "mnist-convnet", "--out", t[new string('b', 251) + ".onnx"]);
        AssertRefused(refused, "is 256 bytes; file systems take at most 255.");
        Assert.Equal(3, t.Contents().Count);
    }

    [Fact]
    public void A_name_that_is_not_UTF_8_is_refused_by_name_instead_of_written_as_U_FFFD()
    {
        using var t = new TempFolder();
        // .NET decodes the bytes FF FE of a command line to U+FFFD U+FFFD; this is what the program receives.
        string outPath = t["\uFFFD\uFFFD.png"];
        AssertRefused(CliRun.Of("export", "mnist-convnet", "--out", outPath), $"--out: '{outPath}' holds bytes that are not UTF-8 (shown as U+FFFD)");
        AssertRefused(CliRun.Of("augment-preview", t["x.png"], "--out", outPath), "holds bytes that are not UTF-8");
        Assert.Empty(t.Contents());
    }

    [Fact]
    public void An_existing_image_with_a_non_UTF_8_name_in_a_folder_is_named_not_reported_missing()
    {
        using var t = new TempFolder();
        Directory.CreateDirectory(t["data/train/a"]);
        Directory.CreateDirectory(t["data/train/b"]);
        CreateRawName(t["data/train/a"], [0xFF, 0xFE, (byte)'.', (byte)'p', (byte)'n', (byte)'g'], PngHeaderOnly(4, 4));
        File.WriteAllBytes(t["data/train/b/ok.png"], PngHeaderOnly(4, 4));

        try
        {
            var run = CliRun.Of("train", "mnist-convnet", "--classes", "2", "--data", "folders:" + t["data"], "--out", t["run"]);

            AssertRefused(run, Path.Combine(t["data/train/a"], "\uFFFD\uFFFD.png"), "its name holds bytes that are not UTF-8");
            Assert.DoesNotContain("does not exist", run.Stderr);
        }
        finally
        {
            Tool("rm", "-rf", t["data"]); // .NET cannot delete the name it cannot represent
        }
    }

    [Fact]
    public async Task Concurrent_writers_to_one_path_never_show_a_reader_a_partial_file()
    {
        using var t = new TempFolder();
        string target = t["shared.bin"];
        var contents = Enumerable.Range(0, 8).Select(k => Enumerable.Repeat((byte)('a' + k), 200_000 + k * 1000).ToArray()).ToArray();
        SafeFile.WriteAllBytes(target, contents[0]);
        using var stop = new CancellationTokenSource();
        int reads = 0, bad = 0;
        using var reading = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                byte[] seen = File.ReadAllBytes(target);
                Interlocked.Increment(ref reads);
                reading.Set();
                if (!contents.Any(c => c.AsSpan().SequenceEqual(seen))) Interlocked.Increment(ref bad);
            }
        });
        Assert.True(reading.Wait(TimeSpan.FromSeconds(30)), "the reader never read"); // the writers start once it reads
        Parallel.For(0, 80, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => SafeFile.WriteAllBytes(target, contents[i % 8]));
        stop.Cancel();
        await reader;

        Assert.True(reads > 0);
        Assert.Equal(0, bad);
        Assert.Equal(["shared.bin"], t.Contents()); // every writer's own temporary was renamed away
    }

    [Fact]
    public void Temporaries_of_dead_writers_are_removed_by_the_next_write_and_live_ones_are_kept()
    {
        using var t = new TempFolder();
        string dead = t[".m.onnx.2147483646.0123abcd.tmp"]; // no such process
        string live = t[$".m.onnx.{Environment.ProcessId}.89abcdef.tmp"]; // this process: another writer may be using it
        string foreign = t[".m.onnx.notes.tmp"]; // not our pattern
        foreach (var f in new[] { dead, live, foreign }) File.WriteAllText(f, "x");

        CliRun.Of("export", "mnist-convnet", "--out", t["m.onnx"]).Succeeded();

        Assert.Equal(new[] { Path.GetFileName(live), Path.GetFileName(foreign), "m.onnx" }.Order(StringComparer.Ordinal), t.Contents().Order(StringComparer.Ordinal));
        Assert.InRange(Encoding.UTF8.GetByteCount(SafeFile.TempName(new string('z', 255))), 240, SafeFile.MaxNameBytes);
    }
}
