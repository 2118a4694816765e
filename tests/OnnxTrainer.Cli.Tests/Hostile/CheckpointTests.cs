using OnnxTrainer.Onnx.Formats;
using static OnnxTrainer.Cli.Tests.Hostile.HostileFiles;

namespace OnnxTrainer.Cli.Tests.Hostile;

/// <summary>
/// --resume from checkpoints with hostile metadata, NaN in the first epoch, and what a kill leaves behind (issue 11,
/// cases 3, 8, 9, 10): one line naming the file and the field, nothing changed.
/// </summary>
public class CheckpointTests : IClassFixture<CheckpointTests.OneEpochRun>
{
    /// <summary>One short run, trained once for all the cases: its folder and data.</summary>
    public sealed class OneEpochRun : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public string Data { get; }

        public OneEpochRun()
        {
            Data = BandedDigits.Write(Folder);
            CliRun.Of(Args(Folder["run"], Data, 1)).Succeeded();
        }

        public void Dispose() => Folder.Dispose();
    }

    private readonly OneEpochRun _run;

    public CheckpointTests(OneEpochRun run) => _run = run;

    private static string[] Args(string dir, string data, int epochs, params string[] extra) =>
        ["train", "mnist-convnet", "--data", data, "--epochs", epochs.ToString(), "--batch-size", "50", "--steps-per-epoch", "2", "--out", dir, .. extra];

    public static TheoryData<string, string, string> BadMetadata => new()
    {
        { "step", "99999999999999999999", "metadata 'step' is '99999999999999999999'; expected a whole number from 0 to 9223372036854775807 (the updates applied)." },
        { "step", "abc", "metadata 'step' is 'abc'; expected a whole number from 0" },
        { "step", "0", "metadata 'step' is '0'; expected at least the epoch count 1" },
        { "epoch", "-5", "metadata 'epoch' is '-5'; expected a whole number from 0 to 2147483647 (the epochs completed)." },
        { "epoch", "2000000000", "metadata 'epoch' is '2000000000'; expected at most 1, the number of epochs in its history." },
        { "history", "not json", "metadata 'history' is 'not json'; expected a JSON object of number lists" },
        { "history", "{\"loss\": null}", "metadata 'history' is '{\"loss\": null}'; expected a JSON object of number lists" },
        { "history", "{\"loss\": [1, 2], \"acc\": [0.5]}", "expected 'loss', 'acc' and 'lr' with one value per epoch each" },
        { "run", "{\"Recipe\": null}", "metadata 'run' is '{\"Recipe\": null}'; expected a 'Recipe' object with a 'Model' name." },
        { "run", "[1]", "metadata 'run' is '[1]'; expected a JSON object describing the run" },
        { "run", "{\"Recipe\": {\"Model\": \"mnist-convnet\"}}", "metadata 'run' lacks Optimizer" },
        { "format", "safetensors", "metadata 'format' is 'safetensors'; expected 'onnx-trainer-checkpoint/1'." },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public void Resume_names_the_checkpoint_file_and_the_bad_field(string key, string value, string expected)
    {
        using var t = new TempFolder();
        string dir = t["run"];
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(_run.Folder["run"])) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        string checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        var file = Safetensors.Read(checkpoint);
        var metadata = file.Metadata.ToDictionary();
        metadata[key] = value;
        Safetensors.Write(checkpoint, file.Tensors, metadata);
        var before = Snapshot(t.Path);

        var run = CliRun.Of(Args(dir, _run.Data, 3, "--resume"));

        AssertRefused(run, $"Checkpoint '{checkpoint}'", expected);
        Assert.Equal(before, Snapshot(t.Path));
    }

    [Fact]
    public void NaN_in_the_first_epoch_does_not_claim_a_checkpoint()
    {
        using var t = new TempFolder();
        var run = CliRun.Of(Args(t["nan"], _run.Data, 2, "--lr", "1e30"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("at epoch 1, step", run.Stderr);
        Assert.Contains("No checkpoint was written (none is written before the first epoch ends).", run.Stderr);
        Assert.DoesNotContain("is kept", run.Stderr);
        Assert.False(File.Exists(Path.Combine(t["nan"], "checkpoint.safetensors")));
    }

    [Fact]
    public void Temporaries_a_killed_run_left_are_removed_by_the_next_run()
    {
        using var t = new TempFolder();
        string dir = t["run"];
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(_run.Folder["run"])) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        // What a kill during a save leaves: an earlier version's fixed name, and this version's per-writer name.
        File.WriteAllText(Path.Combine(dir, "checkpoint.safetensors.tmp"), "partial");
        File.WriteAllText(Path.Combine(dir, ".checkpoint.safetensors.2147483646.00c0ffee.tmp"), "partial");
        File.WriteAllText(Path.Combine(dir, "notes.tmp"), "the user's own file");

        CliRun.Of(Args(dir, _run.Data, 2, "--resume")).Succeeded();

        Assert.Equal(["checkpoint.safetensors", "curves.png", "history.json", "model.onnx", "notes.tmp"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Train_into_a_fifo_or_a_file_is_refused_as_not_a_folder()
    {
        using var t = new TempFolder();
        Tool("mkfifo", t["pipe"]);
        File.WriteAllText(t["file"], "x");
        var before = Snapshot(t.Path);
        AssertRefused(CliRun.Of(Args(t["pipe"], _run.Data, 1)), $"--out expects a folder for the run; '{t["pipe"]}' is a FIFO (named pipe).");
        AssertRefused(CliRun.Of(Args(t["file"], _run.Data, 1)), $"--out expects a folder for the run; '{t["file"]}' is a regular file.");
        Assert.Equal(before, Snapshot(t.Path));
    }
}
