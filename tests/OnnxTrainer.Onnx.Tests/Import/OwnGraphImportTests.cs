using Onnx;
using OnnxTrainer.Onnx.Import;
using OnnxTrainer.TestSupport;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Onnx.Tests.Import;

/// <summary>A graph in our own form (opset 18, symbolic batch) imports unchanged: same text, same bytes, nothing reported.</summary>
public class OwnGraphImportTests
{
    /// <summary>Two residual Conv-BN-ReLU blocks, global pooling, Reshape [0,-1] and a Dense layer.</summary>
    private static Graph Residual()
    {
        var b = new GraphBuilder("residual");
        string x = b.Input("image", TensorType.Float(TensorType.Batch, 3, 8, 8));
        string h = b.Op("Conv", [x, b.Initializer(Tensor.FromFloats("stem/W", Numeric.Random(4 * 3 * 9, 1), 4, 3, 3, 3))], "stem",
            A("kernel_shape", new long[] { 3, 3 }), A("pads", new long[] { 1, 1, 1, 1 }));
        for (int k = 1; k <= 2; k++)
        {
            string c = b.Op("Conv", [h, b.Initializer(Tensor.FromFloats($"block{k}/W", Numeric.Random(4 * 4 * 9, 10 + k), 4, 4, 3, 3))], $"block{k}/conv",
                A("kernel_shape", new long[] { 3, 3 }), A("pads", new long[] { 1, 1, 1, 1 }));
            string[] bn = ["scale", "bias", "mean", "var"];
            var stats = bn.Select((s, i) => b.Initializer(Tensor.FromFloats($"block{k}/{s}", Numeric.Random(4, 20 + i, 0.5f, 1.5f), 4))).ToArray();
            string n = b.Op("BatchNormalization", [c, .. stats], $"block{k}/bn", A("epsilon", 1e-3f), A("momentum", 0.99f));
            h = b.Op("Relu", [b.Op("Add", [n, h], $"block{k}/add")], $"block{k}/out");
        }
        string pooled = b.Op("GlobalAveragePool", [h], "gap");
        string flat = b.Op("Reshape", [pooled, b.Ints(0, -1)], "flat");
        string y = b.Op("Gemm", [flat, b.Initializer(Tensor.FromFloats("fc/W", Numeric.Random(8, 30), 4, 2))], "logits");
        b.Output(y);
        return b.Graph;
    }

    [Fact]
    public void Our_own_residual_graph_imports_unchanged()
    {
        var g = Residual();
        var bytes = OnnxModel.ToBytes(g);
        var imported = OnnxImporter.Import(ModelProto.Parser.ParseFrom(bytes), "residual.onnx");
        Assert.Empty(imported.Changes);
        Assert.Equal(("image", ImageLayout.Nchw, 3, 8, 8), (imported.InputName, imported.FileLayout, imported.Channels, imported.Height, imported.Width));
        Assert.Equal(GraphText.Render(g), GraphText.Render(imported.Graph));
        Assert.Equal(bytes, OnnxModel.ToBytes(imported.Graph));
        // At another size only the input and the spatial dims change.
        var larger = OnnxImporter.Import(ModelProto.Parser.ParseFrom(bytes), "residual.onnx", new ImportOptions { Height = 12, Width = 10 });
        Assert.Equal(["input size 8x8 became 12x10"], larger.Changes);
        Assert.Equal([TensorType.Batch, 4, 12, 10], larger.Graph.TypeOf("block2/out").Dims);
        Assert.Equal([TensorType.Batch, 2], larger.Graph.TypeOf("logits").Dims);
    }
}
