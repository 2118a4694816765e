using OnnxTrainer.Autodiff.Gradients;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>The reverse walk: sums over uses, visits only what lies between the parameters and the loss, names, errors.</summary>
public class GradientWalkTests
{
    [Fact]
    public void Value_used_twice_gets_the_sum_of_both_gradients()
    {
        var x = Random("x", 81, -1f, 1f, 2, 3);
        using var s = Build(b => b.Op("Add", [b.Op("Mul", ["x", "x"]), b.Op("Exp", ["x"])]), [x]);
        var g = s.Analytic()["x"];
        for (int i = 0; i < 6; i++) // d/dx (x*x + exp(x)) = 2x + exp(x)
            Assert.Equal(s.Projection[i] * (2 * x.Floats[i] + MathF.Exp(x.Floats[i])), g[i], 5);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Gradients_are_named_after_their_parameters()
    {
        var (b, loss) = TwoConvs();
        var grads = GradientPass.Build(b, loss, ["top/W", "top/B"]);
        Assert.Equal("grad/top/W", grads["top/W"]);
        Assert.Equal("grad/top/B", grads["top/B"]);
        Assert.Equal(TensorType.Float(4, 3, 3, 3), b.TypeOf("grad/top/W"));
        Assert.Equal(TensorType.Float(4), b.TypeOf("grad/top/B"));
    }

    [Fact]
    public void Frozen_lower_layer_gets_no_gradient_and_no_input_gradient_is_built()
    {
        var (b, loss) = TwoConvs();
        int before = b.Graph.Nodes.Count;
        var grads = GradientPass.Build(b, loss, ["top/W", "top/B"]);
        var added = b.Graph.Nodes.Skip(before).ToList();
        Assert.Equal(["top/B", "top/W"], grads.Keys.Order());
        Assert.DoesNotContain(added, n => n.OpType == "ConvTranspose");                       // no dX of the top conv
        Assert.DoesNotContain(added, n => n.Inputs.Contains("bottom/W") || n.Inputs.Contains("bottom/out"));
        Assert.DoesNotContain(b.Graph.Types.Keys, k => k.StartsWith("grad/bottom", StringComparison.Ordinal));

        var (b2, loss2) = TwoConvs();
        GradientPass.Build(b2, loss2, ["top/W", "top/B", "bottom/W", "bottom/B"]);
        // with the bottom trainable: exactly one ConvTranspose (the top conv's dX), still none for the bottom conv's input
        Assert.Single(b2.Graph.Nodes, n => n.OpType == "ConvTranspose");
    }

    [Fact]
    public void Two_layer_gradients_match_finite_differences()
    {
        var (b, loss) = TwoConvs();
        string y = b.Graph.Producer(loss)!.Inputs[0];
        b.Graph.Nodes.RemoveAt(b.Graph.Nodes.Count - 1); // keep y, let the helper add its own projection loss
        b.Graph.Types.Remove(loss);
        using var s = Build(b, y, [Random("x", 82, -1f, 1f, 2, 2, 6, 6)], ["bottom/W", "bottom/B", "top/W", "top/B"]);
        s.AssertMatches(h: 1e-3f, atol: 2e-3, rtol: 2e-2);
    }

    [Fact]
    public void Missing_rule_names_the_op_and_the_node()
    {
        var b = new GraphBuilder("missing");
        b.Input("x", TensorType.Float(2, 3));
        // LeakyRelu is not in the op registry: its type is given
        string leaky = b.Node("LeakyRelu", ["x"], 1, null, ["leaky"], [TensorType.Float(2, 3)])[0];
        string loss = b.Op("ReduceSum", [leaky], "loss", A("keepdims", 0L));
        var e = Assert.Throws<NotSupportedException>(() => GradientPass.Build(b, loss, ["x"]));
        Assert.Contains("No gradient rule for op 'LeakyRelu' (node 'leaky')", e.Message);
    }

    [Fact]
    public void Op_without_a_rule_off_the_path_is_not_visited()
    {
        var b = new GraphBuilder("offpath");
        b.Input("x", TensorType.Float(2, 3));
        b.Input("z", TensorType.Float(2, 3));
        string leakyZ = b.Node("LeakyRelu", ["z"], 1, null, ["leaky"], [TensorType.Float(2, 3)])[0]; // no rule, but depends on no differentiated value
        string loss = b.Op("ReduceSum", [b.Op("Mul", [b.Op("Add", ["x", "x"]), b.Op("ReduceSum", [leakyZ], null, A("keepdims", 0L))])], "loss", A("keepdims", 0L));
        var grads = GradientPass.Build(b, loss, ["x"]);
        b.Output(grads["x"]);
        var z = Random("z", 83, -1f, 1f, 2, 3);
        var gx = OrtRunner.RunOnce(b.Graph, Random("x", 84, -1f, 1f, 2, 3), z)[grads["x"]].Floats;
        float expected = 2 * z.Floats.Sum(v => v > 0 ? v : 0.01f * v); // d/dx sum(2x * sum(leakyrelu(z)))
        Assert.All(gx, v => Assert.Equal(expected, v, 4));
    }

    [Fact]
    public void Integer_values_carry_no_gradient()
    {
        // y = x * float(int(x)): the truncated copy is a constant to the gradient, so dy/dx = float(int(x))
        var x = Tensor.FromFloats("x", [1.7f, -2.2f, 3.5f, 0.4f], 4);
        using var s = Build(b => b.Op("Mul", ["x", b.Op("Cast", [b.Op("Cast", ["x"], null, A("to", (long)ElementType.Int64))], null, A("to", (long)ElementType.Float))]), [x]);
        var g = s.Analytic()["x"];
        float[] truncated = [1f, -2f, 3f, 0f];
        for (int i = 0; i < 4; i++) Assert.Equal(s.Projection[i] * truncated[i], g[i], 6);
    }

    [Fact]
    public void Value_the_loss_does_not_depend_on_gets_zeros()
    {
        var b = new GraphBuilder("unused");
        b.Input("x", TensorType.Float(2, 3));
        b.Initializer(Tensor.FromFloats("p", [1f, 2f, 3f], 3));
        string loss = b.Op("ReduceSum", ["x"], "loss", A("keepdims", 0L));
        var grads = GradientPass.Build(b, loss, ["p", "x"]);
        b.Output(grads["p"]);
        b.Output(grads["x"]);
        var outs = OrtRunner.RunOnce(b.Graph, Random("x", 85, -1f, 1f, 2, 3));
        Assert.Equal(new float[3], outs["grad/p"].Floats);
        Assert.All(outs["grad/x"].Floats, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Loss_must_be_a_float_scalar()
    {
        var b = new GraphBuilder("bad");
        b.Input("x", TensorType.Float(2, 3));
        string notScalar = b.Op("ReduceSum", ["x", b.Ints(1)], "per_row", A("keepdims", 0L));
        var e = Assert.Throws<ArgumentException>(() => GradientPass.Build(b, notScalar, ["x"]));
        Assert.Contains("must be a float scalar", e.Message);
    }

    /// <summary>x [N,2,6,6] -> bottom conv 3x3 (3 filters) -> relu -> top conv 3x3 stride 2 (4 filters) -> mean -> loss.</summary>
    private static (GraphBuilder B, string Loss) TwoConvs()
    {
        var b = new GraphBuilder("two_convs");
        b.Input("x", TensorType.Float(2, 2, 6, 6));
        b.Initializer(Tensor.FromFloats("bottom/W", Numeric.Random(3 * 2 * 9, 86), 3, 2, 3, 3));
        b.Initializer(Tensor.FromFloats("bottom/B", Numeric.Random(3, 87), 3));
        b.Initializer(Tensor.FromFloats("top/W", Numeric.Random(4 * 3 * 9, 88), 4, 3, 3, 3));
        b.Initializer(Tensor.FromFloats("top/B", Numeric.Random(4, 89), 4));
        var k = A("kernel_shape", new long[] { 3, 3 });
        string h = b.Op("Relu", [b.Op("Conv", ["x", "bottom/W", "bottom/B"], "bottom/out", k, A("pads", new long[] { 1, 1, 1, 1 }))]);
        string y = b.Op("Conv", [h, "top/W", "top/B"], "top/out", k, A("strides", new long[] { 2, 2 }));
        return (b, b.Op("ReduceMean", [b.Op("Mul", [y, y])], "loss", A("keepdims", 0L)));
    }
}
