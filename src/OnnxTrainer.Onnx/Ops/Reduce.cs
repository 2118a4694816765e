using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>
/// Reductions over axes (attribute, or constant input 1 from opset 18): ReduceSum, ReduceMean, ReduceMax, ReduceMin,
/// ReduceL2, ReduceSumSquare, ReduceLogSumExp. Each gradient is dY with the reduced axes kept, spread over X.
/// </summary>
internal static class Reduce
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("ReduceSum", Shape, ReduceSum),
        Differentiable("ReduceMean", Shape, ReduceSum),
        Differentiable("ReduceMax", Shape, ReduceMax),
        Differentiable("ReduceMin", Shape, ReduceMax),
        Differentiable("ReduceL2", Shape, c => Spread(c, (x, y) => c.Div(x, y))),                       // dX = dY*X/Y
        Differentiable("ReduceSumSquare", Shape, c => Spread(c, (x, _) => c.Mul(x, c.Const(2f)))),      // dX = dY*2X
        Differentiable("ReduceLogSumExp", Shape, c => Spread(c, (x, y) => c.Op("Exp", c.Sub(x, y)))),   // dX = dY*exp(X-Y)
    ];

    private static TensorType[]? Shape(ShapeContext s)
    {
        var d = s.In(0).Dims;
        long[]? axes = s.Node.Has("axes") ? s.Node.Ints("axes", []) : s.ConstInts(1);
        if (axes is null && s.Has(1)) return null;
        bool keep = s.Node.Int("keepdims", 1) == 1;
        bool noop = s.Node.Int("noop_with_empty_axes", 0) == 1;
        if ((axes is null || axes.Length == 0) && noop) return [s.In(0)];
        var set = (axes is null || axes.Length == 0 ? Enumerable.Range(0, d.Length).Select(i => (long)i) : axes)
            .Select(a => a < 0 ? a + d.Length : a).ToHashSet();
        var outDims = new List<long>();
        for (int i = 0; i < d.Length; i++)
            if (!set.Contains(i)) outDims.Add(d[i]);
            else if (keep) outDims.Add(1);
        return [s.In(0).WithDims(outDims.ToArray())];
    }

    /// <summary>
    /// Y = ReduceSum(X, axes): dX = expand(dY with the axes kept). ReduceMean: the same divided by the count of
    /// reduced elements (a constant unless the batch axis is reduced).
    /// </summary>
    private static IReadOnlyList<string?> ReduceSum(GradientContext c)
    {
        var axes = c.ReduceAxes();
        if (axes.Length == 0) return c.Each(() => c.Dy); // noop_with_empty_axes
        string g = KeepDims(c, c.Dy, axes);
        if (c.Node.OpType == "ReduceMean")
        {
            var reduced = axes.Select(a => c.InType(0).Dims[a]).ToArray();
            g = reduced.All(d => d >= 0)
                ? c.Mul(g, c.Const(1f / Shapes.Product(reduced)))
                : c.Div(g, c.Div(c.CountOf(c.X(0)), c.CountOf(c.Y())));
        }
        return c.Each(() => c.ExpandLike(g, c.X(0)));
    }

    /// <summary>
    /// Y = ReduceMax(X, axes) (or ReduceMin): dX = dY*(X==Y)/count(X==Y), the gradient shared equally by the ties
    /// (as PyTorch's amax does).
    /// </summary>
    private static IReadOnlyList<string?> ReduceMax(GradientContext c)
    {
        var axes = c.ReduceAxes();
        if (axes.Length == 0) return c.Each(() => c.Dy);
        string y = c.Node.Int("keepdims", 1) == 1 ? c.Y() : c.ReshapeKept(c.Y(), axes);
        string mask = c.AsFloat(c.Op("Equal", c.X(0), y));
        string count = c.Op("ReduceSum", [mask, c.B.Ints(axes)], A("keepdims", 1L));
        return c.Each(() => c.Mul(mask, c.Div(KeepDims(c, c.Dy, axes), count)));
    }

    /// <summary>dX = dY*f(X, Y) with dY and Y at kept dims (broadcast over the reduced axes).</summary>
    private static IReadOnlyList<string?> Spread(GradientContext c, Func<string, string, string> derivative)
    {
        var axes = c.ReduceAxes();
        if (axes.Length == 0 && c.Node.Int("noop_with_empty_axes", 0) == 1) throw c.Unsupported("noop_with_empty_axes 1");
        return c.Each(() => c.Mul(KeepDims(c, c.Dy, axes), derivative(c.X(0), KeepDims(c, c.Y(), axes))));
    }

    /// <summary>A reduction's output-shaped value with the reduced axes present (as size 1).</summary>
    private static string KeepDims(GradientContext c, string v, long[] axes) =>
        c.Node.Int("keepdims", 1) == 1 ? v : c.ReshapeKept(v, axes);
}
