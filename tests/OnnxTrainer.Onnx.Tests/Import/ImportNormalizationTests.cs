using OnnxTrainer.Onnx.Import;
using OnnxTrainer.TestSupport;
using static OnnxTrainer.Onnx.Tests.Import.OldModel;

namespace OnnxTrainer.Onnx.Tests.Import;

/// <summary>
/// Each old form (IR 3, opset 7-8, batch fixed at 1, weights among the inputs) is imported, saved in our form and run
/// in ONNX Runtime next to the original file on the same input: the outputs must be equal, and the import must run at
/// batch 2 with each example giving its batch-1 result.
/// </summary>
public class ImportNormalizationTests
{
    private static ImportedModel AssertSameAsOriginal(OldModel m, long[] dims, ImportOptions? options = null)
    {
        var imported = OnnxImporter.Import(m.Proto, "old.onnx", options);
        var bytes = OnnxModel.ToBytes(imported.Graph);
        // The saved form reads back to the same bytes (our Save/Load is lossless for imported graphs too).
        Assert.Equal(bytes, OnnxModel.ToBytes(OnnxModel.FromBytes(bytes)));
        var x = Numeric.Random((int)dims.Aggregate(1L, (a, d) => a * d), 7);
        var expected = Run(m.Bytes, imported.InputName, x, dims);
        var actual = Run(bytes, imported.InputName, x, dims);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, (d, data)) in expected)
        {
            Assert.Equal(d, actual[name].Dims);
            Assert.True(MaxRelativeDifference(actual[name].Data, data) < 1e-5, $"{name} differs");
        }
        // Batch 2: two different images; the second one's result is its batch-1 result.
        var x2 = Numeric.Random(x.Length, 8);
        var two = Run(bytes, imported.InputName, [.. x, .. x2], [2, .. dims[1..]]);
        var second = Run(m.Bytes, imported.InputName, x2, dims);
        foreach (var (name, (d, data)) in second)
        {
            Assert.Equal(2, two[name].Dims[0]);
            Assert.True(MaxRelativeDifference(two[name].Data[data.Length..], data) < 1e-5, $"{name} at batch 2 differs");
            Assert.True(MaxRelativeDifference(two[name].Data[..data.Length], expected[name].Data) < 1e-5, $"{name} at batch 2 differs");
        }
        Assert.Equal(OnnxModel.DefaultOpset, imported.Graph.Opset);
        Assert.Equal([TensorType.Batch, .. dims[1..]], imported.Graph.Inputs.Single().Type.Dims);
        return imported;
    }

    [Fact]
    public void Auto_pad_becomes_explicit_pads()
    {
        var m = new OldModel(ir: 3, opset: 8).Input("x", 1, 3, 7, 7)
            .Weight("w1", [4, 3, 3, 3], 1).Weight("w2", [4, 4, 2, 2], 2)
            .Node("Conv", "conv1", ["x", "w1"], ["c1"], A("auto_pad", "SAME_UPPER"), A("strides", 2L, 2L))
            .Node("Conv", "conv2", ["c1", "w2"], ["c2"], A("auto_pad", "SAME_LOWER"))
            .Node("MaxPool", "max", ["c2"], ["p"], A("auto_pad", "SAME_UPPER"), A("kernel_shape", 2L, 2L), A("strides", 2L, 2L))
            .Node("AveragePool", "avg", ["c2"], ["a"], A("auto_pad", "SAME_LOWER"), A("kernel_shape", 3L, 3L))
            .Node("AveragePool", "valid", ["c2"], ["v"], A("auto_pad", "VALID"), A("kernel_shape", 3L, 3L))
            .Output("p", 1, 4, 2, 2).Output("a", 1, 4, 4, 4).Output("v", 1, 4, 2, 2);
        var imported = AssertSameAsOriginal(m, [1, 3, 7, 7]);
        var g = imported.Graph;
        // 7 at stride 2 -> 4 outputs: total pad (4-1)*2+3-7 = 2, one each side; a 2x2 kernel pads 1, at the end (UPPER) or begin (LOWER).
        Assert.Equal([1L, 1, 1, 1], g.Nodes.Single(n => n.Name == "conv1").Ints("pads", []));
        Assert.Equal([1L, 1, 0, 0], g.Nodes.Single(n => n.Name == "conv2").Ints("pads", []));
        Assert.Equal([0L, 0, 0, 0], g.Nodes.Single(n => n.Name == "max").Ints("pads", []));
        Assert.Equal([1L, 1, 1, 1], g.Nodes.Single(n => n.Name == "avg").Ints("pads", []));
        Assert.DoesNotContain(g.Nodes, n => n.Has("auto_pad"));
        Assert.Equal(["x"], g.Inputs.Select(v => v.Name));
        Assert.Equal(["w1", "w2"], g.Initializers.Select(t => t.Name));
        Assert.Contains("Conv: auto_pad SAME_UPPER became explicit pads (1 node: conv1)", imported.Changes);
        Assert.Contains("the fixed batch size 1 became symbolic (N)", imported.Changes);
    }

    [Fact]
    public void Residual_block_with_old_batchnorm_reshape_gemm_dropout_and_softmax()
    {
        var m = new OldModel(ir: 3, opset: 7).Input("x", 1, 3, 6, 6)
            .Weight("w1", [4, 3, 3, 3], 1).Weight("w2", [4, 4, 3, 3], 2)
            .Weight("scale", [4], 3).Weight("bias", [4], 4).Weight("mean", [4], 5).Weight("var", [4], 6, low: 0.5f, high: 1.5f)
            .Ints("shape", 1, -1).Weight("fc", [36, 5], 7).Weight("fcb", [5], 8)
            .Node("Conv", "conv1", ["x", "w1"], ["c1"], A("pads", 1L, 1L, 1L, 1L))
            .Node("BatchNormalization", "bn", ["c1", "scale", "bias", "mean", "var"], ["b"], A("spatial", 1L), A("momentum", 0.9f), A("epsilon", 1e-3f))
            .Node("Relu", "relu", ["b"], ["r"])
            .Node("Conv", "conv2", ["r", "w2"], ["c2"], A("pads", 1L, 1L, 1L, 1L))
            .Node("Add", "add", ["c2", "r"], ["s"])
            .Node("MaxPool", "pool", ["s"], ["p"], A("kernel_shape", 3L, 3L), A("strides", 2L, 2L), A("pads", 1L, 1L, 0L, 0L))
            .Node("Reshape", "flat", ["p", "shape"], ["f"])
            .Node("Gemm", "dense", ["f", "fc", "fcb"], ["d"])
            .Node("Dropout", "drop", ["d"], ["o"], A("ratio", 0.5f))
            .Node("Softmax", "softmax", ["o"], ["y"])
            .Output("y", 1, 5);
        var imported = AssertSameAsOriginal(m, [1, 3, 6, 6]);
        var g = imported.Graph;
        var bn = g.Nodes.Single(n => n.Name == "bn");
        Assert.Equal(["epsilon", "momentum"], bn.Attributes.Select(a => a.Name).Order());
        Assert.Equal(0.9f, bn.Float("momentum", 0));
        Assert.Equal([0L, -1], g.FindInitializer(g.Nodes.Single(n => n.Name == "flat").Inputs[1])!.Int64s);
        Assert.Equal("Identity", g.Nodes.Single(n => n.Name == "drop").OpType);
        Assert.Equal(1L, g.Nodes.Single(n => n.Name == "softmax").Int("axis", -9));
        Assert.Equal([TensorType.Batch, 4, 3, 3], g.TypeOf("p").Dims);
        Assert.Equal([TensorType.Batch, 5], Assert.Single(g.Outputs).Type.Dims);
        Assert.Equal(
            [
                "opset 7 nodes written in their opset 18 form",
                "the fixed batch size 1 became symbolic (N)",
                "BatchNormalization: dropped the old attribute 'spatial' (1 node: bn)",
                "Reshape: a leading 1 (the fixed batch) in the shape became 0 (copy the batch) (1 node: flat)",
                "Dropout became Identity (inference) (1 node: drop)",
            ], imported.Changes);
    }

    [Fact]
    public void Opset8_attributes_become_inputs()
    {
        var m = new OldModel(ir: 3, opset: 8).Input("x", 1, 3, 6, 6)
            .Node("Pad", "pad", ["x"], ["pd"], A("pads", 0L, 0L, 1L, 1L, 0L, 0L, 1L, 1L), A("value", 0.5f))
            .Node("Split", "split", ["pd"], ["s1", "s2"], A("axis", 1L), A("split", 1L, 2L))
            .Node("Concat", "cat", ["s2", "s1"], ["c"], A("axis", 1L))
            .Node("Clip", "clip", ["c"], ["cl"], A("min", -0.25f), A("max", 0.6f))
            .Node("Slice", "slice", ["cl"], ["sl"], A("starts", 1L, 1L), A("ends", 7L, 7L), A("axes", 2L, 3L))
            .Node("ReduceMean", "mean", ["sl"], ["rm"], A("axes", 2L, 3L), A("keepdims", 1L))
            .Node("Squeeze", "squeeze", ["rm"], ["sq"], A("axes", 2L, 3L))
            .Node("Unsqueeze", "unsqueeze", ["sq"], ["y"], A("axes", new[] { 2L }))
            .Node("Split", "halves", ["sl"], ["h1", "h2"], A("axis", 2L))
            .Output("y", 1, 3, 1).Output("h2", 1, 3, 3, 6);
        var imported = AssertSameAsOriginal(m, [1, 3, 6, 6]);
        var g = imported.Graph;
        long[] Const(string node, int input) => g.FindInitializer(g.Nodes.Single(n => n.Name == node).Inputs[input])!.Int64s;
        Assert.Equal([0L, 0, 1, 1, 0, 0, 1, 1], Const("pad", 1));
        Assert.Equal(0.5f, g.FindInitializer(g.Nodes.Single(n => n.Name == "pad").Inputs[2])!.Floats.Single());
        Assert.Equal([1L, 2], Const("split", 1));
        Assert.Equal([3L, 3], Const("halves", 1));
        Assert.Equal([1L, 1], Const("slice", 1));
        Assert.Equal([2L, 3], Const("mean", 1));
        Assert.Equal([2L], Const("unsqueeze", 1));
        Assert.Equal([-0.25f, 0.6f], g.Nodes.Single(n => n.Name == "clip").Inputs.Skip(1).Select(i => g.FindInitializer(i)!.Floats[0]));
        Assert.DoesNotContain(g.Nodes.SelectMany(n => n.Attributes), a => a.Name is "pads" or "value" or "split" or "axes" or "min" or "max" or "starts");
        Assert.Equal([TensorType.Batch, 3, 1], g.TypeOf("y").Dims);
        Assert.Equal([TensorType.Batch, 3, 3, 6], g.TypeOf("h2").Dims);
    }

    [Fact]
    public void Inputs_with_defaults_at_ir8_become_weights_and_nhwc_input_becomes_nchw()
    {
        var m = new OldModel(ir: 8, opset: 13).Input("img", 1, 5, 4, 3).Weight("w", [2, 3, 3, 3], 1, listAsInput: true)
            .Node("Transpose", "to_nchw", ["img"], ["t"], A("perm", 0L, 3L, 1L, 2L))
            .Node("Conv", "conv", ["t", "w"], ["y"], A("pads", 1L, 1L, 1L, 1L))
            .Output("y", 1, 2, 5, 4);
        var imported = OnnxImporter.Import(m.Proto, "nhwc.onnx");
        Assert.Equal(ImageLayout.Nhwc, imported.FileLayout);
        Assert.Equal((3, 5, 4), (imported.Channels, imported.Height, imported.Width));
        var g = imported.Graph;
        Assert.Equal([TensorType.Batch, 3, 5, 4], Assert.Single(g.Inputs).Type.Dims);
        Assert.Equal(["w"], g.Initializers.Select(t => t.Name));
        Assert.Contains("graph input with a default value became a weight (1 node: w)", imported.Changes);
        // The same image: NHWC for the original, NCHW for the import.
        var nhwc = Numeric.Random(5 * 4 * 3, 3);
        var nchw = new float[nhwc.Length];
        for (int h = 0; h < 5; h++)
            for (int w = 0; w < 4; w++)
                for (int c = 0; c < 3; c++)
                    nchw[(c * 5 + h) * 4 + w] = nhwc[(h * 4 + w) * 3 + c];
        var expected = Run(m.Bytes, "img", nhwc, [1, 5, 4, 3])["y"];
        var actual = Run(OnnxModel.ToBytes(g), "img", nchw, [1, 3, 5, 4])["y"];
        Assert.Equal(expected.Dims, actual.Dims);
        Assert.True(MaxRelativeDifference(actual.Data, expected.Data) < 1e-6);
    }

    /// <summary>A final 4x4 AveragePool that covers the whole map only for a 6x6 input.</summary>
    private static OldModel FixedWindow(long size) => new OldModel(ir: 3, opset: 8).Input("x", 1, 3, size, size)
        .Weight("w", [4, 3, 3, 3], 1)
        .Node("Conv", "conv", ["x", "w"], ["c"])
        .Node("AveragePool", "pool", ["c"], ["y"], A("kernel_shape", 4L, 4L))
        .Output("y", 1, 4, 1, 1);

    [Fact]
    public void Whole_map_pooling_window_is_reported_or_made_global()
    {
        var e = Assert.Throws<ImportException>(() => OnnxImporter.Import(FixedWindow(6).Proto, "fixed.onnx", new ImportOptions { Height = 10, Width = 10 }));
        Assert.Equal(
            "fixed.onnx: node 'pool' (AveragePool) has a fixed 4x4 window that covers its whole input only at the file's 6x6 input; at 10x10 its input is 8x8. Import with the global-pooling option to make it GlobalAveragePool, or keep the file's input size.",
            e.Message);
        var imported = OnnxImporter.Import(FixedWindow(6).Proto, "fixed.onnx", new ImportOptions { Height = 10, Width = 10, GlobalPooling = true });
        Assert.Equal("GlobalAveragePool", imported.Graph.Nodes.Single(n => n.Name == "pool").OpType);
        Assert.Equal([TensorType.Batch, 4, 1, 1], imported.Graph.TypeOf("y").Dims);
        Assert.Contains("AveragePool with a fixed 4x4 window over its whole input became GlobalAveragePool (1 node: pool)", imported.Changes);
        Assert.Contains("input size 6x6 became 10x10", imported.Changes);
        // At 10x10 it equals the original's 8x8 window on a file made for 10x10.
        var x = Numeric.Random(3 * 10 * 10, 4);
        var original10 = new OldModel(ir: 3, opset: 8).Input("x", 1, 3, 10, 10).Weight("w", [4, 3, 3, 3], 1)
            .Node("Conv", "conv", ["x", "w"], ["c"]).Node("AveragePool", "pool", ["c"], ["y"], A("kernel_shape", 8L, 8L)).Output("y", 1, 4, 1, 1);
        var expected = Run(original10.Bytes, "x", x, [1, 3, 10, 10])["y"];
        var actual = Run(OnnxModel.ToBytes(imported.Graph), "x", x, [1, 3, 10, 10])["y"];
        Assert.True(MaxRelativeDifference(actual.Data, expected.Data) < 1e-5);
        // At its own size the window is kept unless global pooling is asked for.
        Assert.Equal("AveragePool", OnnxImporter.Import(FixedWindow(6).Proto, "fixed.onnx").Graph.Nodes.Single(n => n.Name == "pool").OpType);
    }
}
