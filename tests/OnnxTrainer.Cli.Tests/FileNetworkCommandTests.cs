using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Cli.Tests;

/// <summary>summary, train and export on an ONNX file instead of a zoo model: --cut, --head, freezing by node name.</summary>
public class FileNetworkCommandTests
{
    // A pretrained network as it arrives from elsewhere: batch fixed at 1, a Conv-BN-ReLU block with a residual Add,
    // its own classifier (to be cut off), input "pixels" [1,1,28,28].
    private static string Network(TempFolder t)
    {
        var b = new GraphBuilder("tiny-res");
        string x = b.Input("pixels", TensorType.Float(1, 1, 28, 28));
        b.Initializer(Tensor.FromFloats("c1.W", Numeric.Random(8 * 9, 1, -0.5f, 0.5f), 8, 1, 3, 3));
        b.Initializer(Tensor.FromFloats("c2.W", Numeric.Random(8 * 8 * 9, 2, -0.2f, 0.2f), 8, 8, 3, 3));
        foreach (var (name, value) in new[] { ("bn.scale", 1f), ("bn.bias", 0f), ("bn.mean", 0f), ("bn.var", 1f) })
            b.Initializer(Tensor.FromFloats(name, Enumerable.Repeat(value, 8).ToArray(), 8));
        b.Initializer(Tensor.FromFloats("fc.W", Numeric.Random(8 * 5, 3, -1f, 1f), 8, 5));
        b.Initializer(Tensor.FromFloats("fc.B", new float[5], 5));
        var pads = A("pads", new long[] { 1, 1, 1, 1 });
        string a = b.Op("Relu", [b.Op("Conv", [x, "c1.W"], "conv1", A("kernel_shape", new long[] { 3, 3 }), A("strides", new long[] { 2, 2 }), pads)], "relu1");
        string c = b.Op("BatchNormalization", [b.Op("Conv", [a, "c2.W"], "conv2", A("kernel_shape", new long[] { 3, 3 }), pads), "bn.scale", "bn.bias", "bn.mean", "bn.var"], "bn");
        string block = b.Op("Relu", [b.Op("Add", [c, a], "add")], "block");
        string pooled = b.Op("Flatten", [b.Op("GlobalAveragePool", [block], "gap")], "flat", A("axis", 1L));
        b.Output(b.Op("Softmax", [b.Op("Gemm", [pooled, "fc.W", "fc.B"], "scores")], "probs", A("axis", 1L)));
        string path = t["tiny-res.onnx"];
        OnnxModel.Save(b.Graph, path);
        return path;
    }

    [Fact]
    public void Summary_of_a_file_cut_with_a_head_counts_its_parameters()
    {
        using var t = new TempFolder();
        var run = CliRun.Of("summary", Network(t), "--cut", "block", "--head", "gap-dense", "--classes", "10", "--trainable-from", "conv2").Succeeded();
        var lines = run.Stdout.TrimEnd('\n').Split('\n').SkipWhile(l => l.StartsWith("Import: ", StringComparison.Ordinal)).ToArray();
        Assert.Contains("Import: the fixed batch size 1 became symbolic (N)", run.Stdout); // what the import changed comes first
        Assert.Equal("Model: tiny-res+gap-dense", lines[0]);
        Assert.Equal("Trainable weight tensors: 5 of 8", lines[1]); // c2.W, bn.scale, bn.bias, dense W and B; the BN statistics are state
        // c1 72, c2 576, BN 4 x 8, head 8 x 10 + 10
        Assert.Equal(["Total params: 770", "Trainable params: 682", "Non-trainable params: 88"], lines[^3..]);
        Assert.Contains(lines, l => l.StartsWith("conv2 (Conv)", StringComparison.Ordinal) && l.EndsWith("576  yes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("conv1 (Conv)", StringComparison.Ordinal) && l.EndsWith("72  no", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("scores", StringComparison.Ordinal)); // the file's classifier is cut off
    }

    [Fact]
    public void Train_and_export_a_file_with_a_new_head_and_the_runtime_serves_the_result()
    {
        using var t = new TempFolder();
        string model = Network(t);
        string data = BandedDigits.Write(t);
        var trained = CliRun.Of("train", model, "--cut", "block", "--head", "gap-dense", "--freeze-base", "--data", data, "--epochs", "1",
            "--batch-size", "50", "--out", t["run"]).Succeeded();
        Assert.Contains("Import: the fixed batch size 1 became symbolic (N)", trained.Stdout);
        var exported = OnnxModel.Load(t["run/model.onnx"]);
        Assert.Equal("tiny-res+gap-dense", exported.Metadata["onnx_trainer.model"]);
        Assert.Equal("freeze-base", exported.Metadata["onnx_trainer.freezing"]);
        Assert.Equal("global_average_pooling2d_1", exported.Metadata["onnx_trainer.head_start"]);
        Assert.Equal("block", exported.Metadata["onnx_trainer.gradcam_layer"]);
        var evaluated = CliRun.Of("evaluate", t["run/model.onnx"], "--data", data, "--batch-size", "50").Succeeded();
        string Line(string s) => s.Split('\n').Single(l => l.StartsWith("test_loss:", StringComparison.Ordinal));
        Assert.Equal(Line(trained.Stdout), Line(evaluated.Stdout));

        CliRun.Of("export", model, "--cut", "block", "--head", "gap-dense", "--classes", "3", "--seed", "2", "--out", t["e.onnx"]).Succeeded();
        Assert.Equal("[\"0\",\"1\",\"2\"]", OnnxModel.Load(t["e.onnx"]).Metadata["onnx_trainer.class_names"]);
    }
}
