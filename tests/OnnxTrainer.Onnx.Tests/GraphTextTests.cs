namespace OnnxTrainer.Onnx.Tests;

/// <summary>GraphText: the snapshot form, one line per item, shapes and attributes, constants' values, never weights.</summary>
public class GraphTextTests
{
    [Fact]
    public void Renders_a_small_graph_exactly()
    {
        var b = new GraphBuilder("tiny");
        string x = b.Input("x", TensorType.Float(TensorType.Batch, 3));
        b.Initializer(Tensor.FromFloats("dense/W", [1, 2, 3, 4, 5, 6], 3, 2));
        string y;
        using (b.Scope("dense"))
            y = b.Op("Gemm", [x, "dense/W"], null, GraphBuilder.A("transB", 0L));
        string z = b.Op("ReduceSum", [b.Op("Mul", [y, b.Const(2f)]), b.Ints(1)], "z", GraphBuilder.A("keepdims", 0L));
        var split = b.Node("TopK", [y, b.Ints(1)], 2, null, ["top", ""], [TensorType.Float(TensorType.Batch, 1), TensorType.Int64(TensorType.Batch, 1)]);
        b.Output(z);
        b.Output(split[0]);
        b.Graph.Metadata["onnx_trainer.model"] = "tiny";

        Assert.Equal(
            """
            graph tiny (opset 18)
            meta onnx_trainer.model = tiny
            input x: f32[N,3]
            init dense/W: f32[3,2]
            init const/2: f32[] = [2]
            init const/i64[1]: i64[1] = [1]
            dense/gemm: f32[N,2] = Gemm(x, dense/W) {transB=0}
            mul: f32[N,2] = Mul(dense/gemm, const/2)
            z: f32[N] = ReduceSum(mul, const/i64[1]) {keepdims=0}
            top: f32[N,1], _ = TopK(dense/gemm, const/i64[1])
            output z: f32[N]
            output top: f32[N,1]

            """.Replace("\r\n", "\n"),
            GraphText.Render(b.Graph));
    }

    [Fact]
    public void Constants_share_one_initializer_and_large_ones_hide_their_values()
    {
        var b = new GraphBuilder("consts");
        string x = b.Input("x", TensorType.Float(TensorType.Batch, 9));
        string a = b.Op("Mul", [x, b.Const(0.1f)]);
        b.Op("Mul", [a, b.Const(0.1f)], "y");
        b.Output("y");
        b.Ints(1, 2, 3, 4, 5, 6, 7, 8, 9);
        var lines = GraphText.Render(b.Graph).Split('\n');
        Assert.Single(lines, l => l.StartsWith("init const/0.1", StringComparison.Ordinal));
        Assert.Contains("init const/0.1: f32[] = [0.1]", lines);
        Assert.Contains("init const/i64[1,2,3,4,5,6,7,8,9]: i64[9]", lines);
    }

    [Fact]
    public void Builder_names_are_deterministic_and_unique()
    {
        static string Build()
        {
            var b = new GraphBuilder("names");
            string x = b.Input("x", TensorType.Float(TensorType.Batch, 4));
            using (b.Scope("layer"))
            {
                x = b.Op("Relu", [x]);
                x = b.Op("Relu", [x]);
                using (b.Scope("inner")) x = b.Op("Relu", [x]);
            }
            b.Output(x);
            return GraphText.Render(b.Graph);
        }
        var text = Build();
        Assert.Equal(text, Build());
        Assert.Contains("layer/relu: f32[N,4] = Relu(x)", text);
        Assert.Contains("layer/relu_2: f32[N,4] = Relu(layer/relu)", text);
        Assert.Contains("layer/inner/relu: f32[N,4] = Relu(layer/relu_2)", text);
    }
}
