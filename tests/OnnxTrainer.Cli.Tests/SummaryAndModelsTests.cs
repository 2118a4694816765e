using OnnxTrainer.Models;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Cli.Tests;

/// <summary>onnx-trainer models and onnx-trainer summary.</summary>
public class SummaryAndModelsTests
{
    [Fact]
    public void Frozen_vgg16_dense256_summary_ends_with_the_keras_totals()
    {
        var run = CliRun.Of("summary", "vgg16-base", "--head", "dense256", "--freeze-base").Succeeded();
        Assert.StartsWith("Model: vgg16-base+dense256\nTrainable weight tensors: 4 of 30\n", run.Stdout);
        Assert.EndsWith("Total params: 16,812,353\nTrainable params: 2,097,665\nNon-trainable params: 14,714,688\n", run.Stdout);
        // The table in between is the approved one (checked against seeds/001 In [22]).
        string approved = File.ReadAllText(Path.Combine(Approval.RepoRoot(), "tests/OnnxTrainer.Models.Tests/Approved/vgg16-base+dense256.frozen.summary.txt"));
        Assert.Equal("Model: vgg16-base+dense256\nTrainable weight tensors: 4 of 30\n" + approved, run.Stdout);
    }

    [Fact]
    public void Mnist_summary_is_listing_5_2()
    {
        var run = CliRun.Of("summary", "mnist-convnet").Succeeded();
        string approved = File.ReadAllText(Path.Combine(Approval.RepoRoot(), "tests/OnnxTrainer.Models.Tests/Approved/mnist-convnet.summary.txt"));
        Assert.Equal("Model: mnist-convnet\nTrainable weight tensors: 10 of 10\n" + approved, run.Stdout);
    }

    [Fact]
    public void Options_reach_the_model()
    {
        var run = CliRun.Of("summary", "vgg16-base", "--head", "conv32-dense256", "--input-shape", "150,150,3", "--classes", "3",
            "--trainable-from", "block5_conv1").Succeeded();
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("Model: vgg16-base+conv32-dense256", lines[0]);
        // block5 convs (6 tensors) + conv2d_1, dense_1, dense_2 (6 tensors).
        Assert.Equal("Trainable weight tensors: 12 of 32", lines[1]);
        Assert.Contains("conv2d_1 (Conv2D)            (None, 2, 2, 32)          147488", lines);
        Assert.Contains("dense_2 (Dense)              (None, 3)                 771", lines);
        long trainable = 3 * 2_359_808L + 147_488 + 33_024 + 771;
        Assert.Equal($"Trainable params: {KerasSummary.Thousands(trainable)}", lines[^2]);
        Assert.Equal($"Non-trainable params: {KerasSummary.Thousands(14_714_688 - 3 * 2_359_808L)}", lines[^1]);
    }

    [Fact]
    public void Input_shape_changes_the_rows()
    {
        var run = CliRun.Of("summary", "vgg19-base", "--input-shape", "64,96,3").Succeeded();
        Assert.Contains("input_1 (InputLayer)         (None, 64, 96, 3)         0\n", run.Stdout);
        Assert.Contains("block5_pool (MaxPooling2D)   (None, 2, 3, 512)         0\n", run.Stdout);
        Assert.EndsWith("Total params: 20,024,384\nTrainable params: 20,024,384\nNon-trainable params: 0\n", run.Stdout);
    }

    [Fact]
    public void Models_lists_every_zoo_model_and_head_with_its_description()
    {
        var lines = CliRun.Of("models").Succeeded().Stdout.Split('\n');
        foreach (var m in Zoo.Models)
            Assert.Single(lines, l => l.TrimStart().StartsWith(m.Name + " ", StringComparison.Ordinal) && l.EndsWith(m.Description, StringComparison.Ordinal));
        foreach (var h in Zoo.Heads)
            Assert.Single(lines, l => l.TrimStart().StartsWith(h.Name + " ", StringComparison.Ordinal) && l.EndsWith(h.Description, StringComparison.Ordinal));
        Assert.Equal(Zoo.Models.Count + Zoo.Heads.Count, lines.Count(l => l.StartsWith("  ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("summary", "--help")]
    [InlineData("export", "-h")]
    public void Help_prints_usage_and_succeeds(params string[] args)
    {
        var run = CliRun.Of(args).Succeeded();
        Assert.Contains("Usage:", run.Stdout);
        Assert.Contains("onnx-trainer", run.Stdout);
    }

    [Fact]
    public void Summary_help_names_every_model_option()
    {
        var help = CliRun.Of("summary", "--help").Succeeded().Stdout;
        foreach (var o in new[] { "<MODEL>", "--head <HEAD>", "--input-shape <H,W,C>", "--classes <N>", "--freeze-base", "--trainable-from <NAME>", "--cut <VALUE>", "--bn-mode <frozen|train>" })
            Assert.Contains(o, help);
    }
}
