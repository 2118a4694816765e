using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Concat along one axis.</summary>
internal static class Concat
{
    public static IEnumerable<OpRule> Rules => [Differentiable("Concat", Shape, Gradient)];

    private static TensorType[]? Shape(ShapeContext s)
    {
        var types = s.Node.Inputs.Select(s.Graph.TypeOf).ToArray();
        int axis = OpShapes.Axis(s.Node, types[0].Rank, 0);
        var d = (long[])types[0].Dims.Clone();
        d[axis] = types.Any(t => t.Dims[axis] < 0) ? TensorType.Unknown : types.Sum(t => t.Dims[axis]);
        return [types[0].WithDims(d)];
    }

    /// <summary>Y = concat(X0, X1, ...): dXi = the i-th piece of Split(dY, sizes of the Xi) along the axis.</summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        int n = c.Node.Inputs.Count;
        int axis = OpShapes.Axis(c.Node, c.InType(0).Rank, 0);
        var sizes = Enumerable.Range(0, n).Select(i => c.InType(i).Dims[axis]).ToArray();
        if (sizes.Any(d => d < 0)) throw c.Unsupported($"concatenation along axis {axis}, whose size is known only at run time");
        if (n == 1) return c.Each(() => c.Dy);
        var pieces = c.B.Node("Split", [c.Dy, c.B.Ints(sizes)], n, [A("axis", (long)axis)]);
        return c.Each(pieces.Select(p => (Func<string?>)(() => p)).ToArray());
    }
}
