using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>Layout ops and reductions against central finite differences.</summary>
public class ShapeGradientTests
{
    private static Tensor X(params long[] dims) => Random("x", 21, -0.7f, 0.7f, dims);

    [Fact]
    public void Flatten_matches() =>
        Check(b => b.Op("Mul", [b.Op("Flatten", ["x"], null, A("axis", 1L)), b.Op("Flatten", ["x"], null, A("axis", 1L))]), X(2, 3, 2, 2));

    [Fact]
    public void Reshape_matches() =>
        Check(b => b.Op("Exp", [b.Op("Reshape", ["x", b.Ints(4, -1)])]), X(2, 3, 2));

    [Fact]
    public void Transpose_matches() =>
        Check(b => b.Op("Mul", [b.Op("Transpose", ["x"], null, A("perm", new long[] { 2, 0, 1 })), b.Floats("k", [1f, 2f, 3f, -1f], 4)]), X(2, 4, 3));

    [Fact]
    public void Unsqueeze_and_squeeze_match() =>
        Check(b => b.Op("Sigmoid", [b.Op("Squeeze", [b.Op("Unsqueeze", ["x", b.Ints(0, 3)]), b.Ints(0)])]), X(2, 3));

    [Theory]
    [InlineData("ReduceSum", 1L)]
    [InlineData("ReduceSum", 0L)]
    [InlineData("ReduceMean", 1L)]
    [InlineData("ReduceMean", 0L)]
    public void Reduce_over_axes_matches(string op, long keepdims)
    {
        // Exp after the reduction makes dY vary, so a wrong broadcast of it shows.
        Check(b => b.Op("Exp", [b.Op(op, ["x", b.Ints(0, 2)], null, A("keepdims", keepdims))]), X(2, 3, 4));
        Check(b => b.Op("Exp", [b.Op(op, ["x", b.Ints(-1)], null, A("keepdims", keepdims))]), X(2, 3, 4));
    }

    [Theory]
    [InlineData("ReduceSum", 1L)]
    [InlineData("ReduceMean", 0L)]
    public void Reduce_over_all_axes_matches(string op, long keepdims) =>
        Check(b => b.Op("Exp", [b.Op(op, ["x"], null, A("keepdims", keepdims))]), X(3, 2));

    [Theory]
    [InlineData("ReduceMean")]
    [InlineData("ReduceSum")]
    public void Reduce_over_the_symbolic_batch_axis_matches(string op)
    {
        // as batch norm's statistics: over N, H, W of [N, C, H, W] with N known only at run time
        using var s = Build(b => b.Op("Reshape", [b.Op("Mul", ["x", b.Op("Exp", [b.Op(op, ["x", b.Ints(0, 2, 3)], null, A("keepdims", 1L))])]), b.Ints(2, 3, 2, 2)]),
            [X(2, 3, 2, 2)], batched: ["x"]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData("ReduceMax", 1L)]
    [InlineData("ReduceMax", 0L)]
    [InlineData("ReduceMin", 0L)]
    public void ReduceMax_matches_without_ties(string op, long keepdims) =>
        Check(b => b.Op("Exp", [b.Op(op, ["x", b.Ints(1)], null, A("keepdims", keepdims))]), X(2, 5));

    [Fact]
    public void GlobalAveragePool_matches() => Check(b => b.Op("GlobalAveragePool", ["x"]), X(2, 3, 3, 2));

    private static void Check(Func<GraphBuilder, string> body, Tensor x)
    {
        using var s = Build(body, [x]);
        s.AssertMatches(h: 1e-3f);
    }
}
