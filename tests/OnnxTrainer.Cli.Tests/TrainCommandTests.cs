using System.Globalization;
using System.Text.Json;
using OnnxTrainer.Cli.Commands;
using OnnxTrainer.Data;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Reports;

namespace OnnxTrainer.Cli.Tests;

/// <summary>train, evaluate and --resume end to end on a small generated MNIST-format data set.</summary>
public class TrainCommandTests
{
    private static double Metric(string output, string key)
    {
        int i = output.IndexOf(key + ": ", StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{key}' not printed in:\n{output}");
        string rest = output[(i + key.Length + 2)..];
        return double.Parse(rest[..rest.IndexOfAny([' ', '\n'])], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Train_writes_the_run_and_prints_test_metrics_that_evaluate_reproduces()
    {
        using var t = new TempFolder();
        string data = BandedDigits.Write(t);
        string run = t["run"];
        var trained = CliRun.Of("train", "mnist-convnet", "--data", data, "--epochs", "2", "--batch-size", "50", "--validation-split", "0.2",
            "--lr", "1e-3", "--out", run).Succeeded();
        double acc = Metric(trained.Stdout, "test_acc");
        Assert.True(acc >= 0.9, $"test_acc {acc} below 0.9 on the banded digits:\n{trained.Stdout}");
        Assert.Contains($"Model saved to {Path.Combine(run, "model.onnx")}", trained.Stdout);
        foreach (var f in new[] { "model.onnx", "checkpoint.safetensors", "history.json", "curves.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), f + " missing");
        var history = JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(Path.Combine(run, "history.json")))!;
        foreach (var key in new[] { "loss", "acc", "val_loss", "val_acc" }) Assert.Equal(2, history[key].Length);

        // evaluate runs the same eval step graph: the same printed test_loss and test_acc, at train's batch size or another
        string Line(string stdout) => stdout.Split('\n').Single(l => l.StartsWith("test_loss:", StringComparison.Ordinal));
        var evaluated = CliRun.Of("evaluate", Path.Combine(run, "model.onnx"), "--data", data, "--batch-size", "50").Succeeded();
        Assert.Equal(Line(trained.Stdout), Line(evaluated.Stdout));
        var otherBatch = CliRun.Of("evaluate", Path.Combine(run, "model.onnx"), "--data", data).Succeeded();
        Assert.Equal(Line(trained.Stdout), Line(otherBatch.Stdout));
    }

    [Fact]
    public void Resume_continues_to_the_same_weights_and_a_second_run_into_the_same_folder_is_refused()
    {
        using var t = new TempFolder();
        string data = BandedDigits.Write(t);
        string[] Args(string dir, int epochs, params string[] extra) =>
            ["train", "mnist-convnet", "--data", data, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--batch-size", "100", "--out", dir, .. extra];
        CliRun.Of(Args(t["straight"], 2)).Succeeded();
        CliRun.Of(Args(t["resumed"], 1)).Succeeded();

        var again = CliRun.Of(Args(t["resumed"], 2));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds a run", again.Stderr);
        Assert.Contains("--resume", again.Stderr);

        CliRun.Of(Args(t["resumed"], 2, "--resume")).Succeeded();
        Assert.Equal(File.ReadAllBytes(Path.Combine(t["straight"], "model.onnx")), File.ReadAllBytes(Path.Combine(t["resumed"], "model.onnx")));

        var other = CliRun.Of(Args(t["resumed"], 3, "--resume", "--seed", "9"));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("written by another run", other.Stderr);
    }

    [Theory]
    [InlineData("--data", "imagenet", "fashion-mnist")]
    [InlineData("--optimizer", "adagrad", "rmsprop")]
    [InlineData("--lr-schedule", "linear", "step:EVERY:FACTOR")]
    [InlineData("--device", "tpu", "cpu or cuda")]
    [InlineData("--loss", "hinge", "binary_crossentropy")]
    public void Bad_training_options_name_the_value_and_write_nothing(string option, string value, string expected)
    {
        using var t = new TempFolder();
        string data = BandedDigits.Write(t);
        var args = new List<string> { "train", "mnist-convnet", "--data", data, "--epochs", "1", "--out", t["run"] };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange([option, value]);
        var r = CliRun.Of([.. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: ", r.Stderr);
        Assert.Contains(value, r.Stderr);
        Assert.Contains(expected, r.Stderr);
        Assert.False(Directory.Exists(t["run"]) && Directory.EnumerateFileSystemEntries(t["run"]).Any(), "nothing may be written");
    }

    [Fact]
    public void Smooth_curves_draws_the_runs_history_smoothed_with_the_given_factor()
    {
        using var t = new TempFolder();
        string data = BandedDigits.Write(t);
        CliRun.Of("train", "mnist-convnet", "--data", data, "--epochs", "3", "--batch-size", "100", "--steps-per-epoch", "2", "--validation-split", "0.2",
            "--smooth-curves", "--smooth-factor", "0.5", "--out", t["run"]).Succeeded();
        var history = History.FromJson(File.ReadAllText(Path.Combine(t["run"], "history.json")));
        Curves.Save(history, t["smoothed.png"], "mnist-convnet", 0.5);
        Curves.Save(history, t["raw.png"], "mnist-convnet");
        byte[] written = File.ReadAllBytes(Path.Combine(t["run"], "curves.png"));
        Assert.Equal(File.ReadAllBytes(t["smoothed.png"]), written);
        Assert.NotEqual(File.ReadAllBytes(t["raw.png"]), written);
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--smooth-curves" }, 0.8)]
    [InlineData(new[] { "--smooth-curves", "--smooth-factor", "0.6" }, 0.6)]
    [InlineData(new[] { "--smooth-factor", "0", "--smooth-curves" }, 0.0)]
    public void Smooth_curves_is_off_by_default_and_listing_5_24s_0_8_when_given_alone(string[] args, double? expected)
    {
        var command = new System.CommandLine.RootCommand();
        var smoothing = new SmoothingOptions();
        smoothing.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        Assert.Equal(expected, smoothing.Value(parse));
    }

    [Fact]
    public void Smooth_curves_is_a_flag_that_leaves_a_following_model_argument_alone()
    {
        var parse = OnnxTrainer.Cli.Commands.TrainCommand.Create().Parse(["--smooth-curves", "mnist-convnet", "--data", "fashion-mnist", "--out", "run"]);
        Assert.Empty(parse.Errors);
        Assert.Equal("mnist-convnet", parse.GetValue<string>("MODEL"));
        Assert.True(parse.GetValue<bool>("--smooth-curves"));
    }
}
