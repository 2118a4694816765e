using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>Element-wise rules against central finite differences, on inputs away from kinks and poles.</summary>
public class ElementwiseGradientTests
{
    [Theory]
    [InlineData("Neg", -2f, 2f)]
    [InlineData("Exp", -2f, 2f)]
    [InlineData("Log", 0.5f, 3f)]
    [InlineData("Sqrt", 0.5f, 3f)]
    [InlineData("Reciprocal", 0.5f, 3f)]
    [InlineData("Sigmoid", -3f, 3f)]
    [InlineData("Tanh", -2f, 2f)]
    [InlineData("Identity", -2f, 2f)]
    public void Unary_matches_finite_differences(string op, float low, float high)
    {
        using var s = Build(b => b.Op(op, ["x"]), [Random("x", 1, low, high, 2, 3, 4)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Abs_matches_finite_differences_away_from_zero()
    {
        var x = Random("x", 2, 0.2f, 2f, 3, 4);
        for (int i = 0; i < x.Floats.Length; i += 2) x.Floats[i] = -x.Floats[i];
        using var s = Build(b => b.Op("Abs", ["x"]), [x]);
        s.AssertMatches(h: 1e-2f);
    }

    [Fact]
    public void Relu_matches_finite_differences_away_from_zero()
    {
        var x = Random("x", 3, 0.1f, 2f, 2, 3, 4);
        for (int i = 0; i < x.Floats.Length; i += 3) x.Floats[i] = -x.Floats[i];
        using var s = Build(b => b.Op("Relu", ["x"]), [x]);
        s.AssertMatches(h: 1e-2f);
    }

    [Fact]
    public void Relu_gradient_is_exactly_zero_at_zero_and_dy_elsewhere()
    {
        float[] x = [0f, 1.5f, -0.5f, 0f, 2f, -3f, 0f, 0.25f];
        using var s = Build(b => b.Op("Relu", ["x"]), [Tensor.FromFloats("x", x, 2, 4)]);
        var g = s.Analytic()["x"];
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(x[i] > 0 ? s.Projection[i] : 0f, g[i]); // dL/dy = R, so dL/dx = R where x > 0, else exactly 0
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void Binary_with_channel_broadcast_matches(string op)
    {
        // [N,C,H,W] with [1,C,1,1] (batch-norm parameters) and [W] (trailing-axis broadcast)
        using var s = Build(b => b.Op(op, [b.Op(op, ["x", "c"]), "w"]),
            [Random("x", 4, 0.5f, 2f, 2, 3, 2, 3), Random("c", 5, 0.5f, 2f, 1, 3, 1, 1), Random("w", 6, 0.5f, 2f, 3)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Mul")]
    public void Binary_with_symbolic_batch_and_bias_vector_matches(string op)
    {
        // [N,C] with [C] (Dense bias) and a scalar, the batch dimension symbolic in the graph
        using var s = Build(b => b.Op("Reshape", [b.Op(op, [b.Op(op, ["x", "bias"]), "k"]), b.Ints(2, 3)]),
            [Random("x", 7, -1f, 1f, 2, 3), Random("bias", 8, -1f, 1f, 3), Tensor.FromFloats("k", [1.5f])]);
        s.AssertMatches(h: 1e-3f);
        using var n = Build(b => b.Op("Reshape", [b.Op(op, ["x", "bias"]), b.Ints(2, 3)]),
            [Random("x", 7, -1f, 1f, 2, 3), Random("bias", 8, -1f, 1f, 3)], batched: ["x"]);
        n.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Div_by_broadcast_divisor_matches()
    {
        using var s = Build(b => b.Op("Div", ["a", "d"]), [Random("a", 9, -2f, 2f, 2, 3), Random("d", 10, 0.5f, 2f, 2, 1)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(3f)]
    [InlineData(0.5f)]
    [InlineData(-1.5f)]
    public void Pow_with_constant_exponent_matches(float e)
    {
        using var s = Build(b => b.Op("Pow", ["x", b.Const(e)]), [Random("x", 11, 0.5f, 2f, 2, 3)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Pow_with_fed_exponent_matches_for_both_inputs()
    {
        using var s = Build(b => b.Op("Pow", ["x", "e"]), [Random("x", 12, 0.5f, 2f, 2, 3), Random("e", 13, -1f, 2f, 3)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData(1L, new long[] { 2, 5 })]
    [InlineData(-1L, new long[] { 2, 5 })]
    [InlineData(1L, new long[] { 2, 3, 2, 2 })]
    public void Softmax_matches(long axis, long[] dims)
    {
        using var s = Build(b => b.Op("Softmax", ["x"], null, A("axis", axis)), [Random("x", 14, -2f, 2f, dims)]);
        s.AssertMatches(h: 1e-3f, atol: 2e-4);
    }

    [Theory]
    [InlineData(1L, new long[] { 2, 5 })]
    [InlineData(1L, new long[] { 2, 3, 2, 2 })]
    public void LogSoftmax_matches(long axis, long[] dims)
    {
        using var s = Build(b => b.Op("LogSoftmax", ["x"], null, A("axis", axis)), [Random("x", 15, -2f, 2f, dims)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Where_routes_to_the_chosen_branch()
    {
        var cond = new Tensor("cond", ElementType.Bool, [2, 3], new[] { true, false, true, true, false, false });
        using var s = Build(b => b.Op("Where", ["cond", "a", "b"]), [cond, Random("a", 16, -1f, 1f, 2, 3), Random("b", 17, -1f, 1f, 3)]);
        s.AssertMatches(h: 1e-2f);
    }

    [Theory]
    [InlineData("Max")]
    [InlineData("Min")]
    public void Max_and_min_match_without_ties(string op)
    {
        using var s = Build(b => b.Op(op, ["a", "b"]), [Random("a", 18, -1f, 1f, 2, 4), Random("b", 19, -1f, 1f, 4)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Max_tie_goes_to_the_first_input_once()
    {
        float[] a = [1f, 2f, 3f], c = [1f, 5f, 3f];
        using var s = Build(b => b.Op("Max", ["a", "c"]), [Tensor.FromFloats("a", a, 3), Tensor.FromFloats("c", c, 3)]);
        var g = s.Analytic();
        var r = s.Projection;
        Assert.Equal(new[] { r[0], 0f, r[2] }, g["a"]);
        Assert.Equal(new[] { 0f, r[1], 0f }, g["c"]);
    }
}
