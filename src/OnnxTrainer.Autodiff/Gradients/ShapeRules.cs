using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>Gradient rules of layout ops and reductions.</summary>
internal static class ShapeRules
{
    /// <summary>Y = transpose(X, perm): dX = transpose(dY, inverse(perm)).</summary>
    public static IReadOnlyList<string?> Transpose(GradientContext c)
    {
        int rank = c.InType(0).Rank;
        var perm = c.Node.Ints("perm", Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray());
        var inverse = new long[rank];
        for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
        return [c.Op("Transpose", [c.Dy], GradientContext.A("perm", inverse))];
    }

    /// <summary>
    /// Y = ReduceSum(X, axes): dX = expand(dY with the axes kept). ReduceMean: the same divided by the count of
    /// reduced elements (a constant unless the batch axis is reduced).
    /// </summary>
    public static IReadOnlyList<string?> ReduceSum(GradientContext c)
    {
        var axes = c.ReduceAxes();
        if (axes.Length == 0) return c.Each(() => c.Dy); // noop_with_empty_axes
        string g = KeepDims(c, axes);
        if (c.Node.OpType == "ReduceMean")
        {
            var reduced = axes.Select(a => c.InType(0).Dims[a]).ToArray();
            g = reduced.All(d => d >= 0)
                ? c.Mul(g, c.Const(1f / reduced.Aggregate(1L, (a, d) => a * d)))
                : c.Div(g, c.Div(c.CountOf(c.X(0)), c.CountOf(c.Y())));
        }
        return c.Each(() => c.ExpandLike(g, c.X(0)));
    }

    /// <summary>
    /// Y = ReduceMax(X, axes) (or ReduceMin): dX = dY*(X==Y)/count(X==Y), the gradient shared equally by the ties
    /// (as PyTorch's amax does).
    /// </summary>
    public static IReadOnlyList<string?> ReduceMax(GradientContext c)
    {
        var axes = c.ReduceAxes();
        if (axes.Length == 0) return c.Each(() => c.Dy);
        string y = c.Node.Int("keepdims", 1) == 1 ? c.Y() : c.ReshapeKept(c.Y(), axes);
        string mask = c.AsFloat(c.Op("Equal", c.X(0), y));
        string count = c.Op("ReduceSum", [mask, c.B.Ints(axes)], GradientContext.A("keepdims", 1L));
        return c.Each(() => c.Mul(mask, c.Div(KeepDims(c, axes), count)));
    }

    /// <summary>dY of a reduction with the reduced axes present (as size 1).</summary>
    private static string KeepDims(GradientContext c, long[] axes) =>
        c.Node.Int("keepdims", 1) == 1 ? c.Dy : c.ReshapeKept(c.Dy, axes);
}
