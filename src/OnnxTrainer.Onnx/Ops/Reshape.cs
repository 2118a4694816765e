using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Ops that keep the data and change the shape: Flatten, Reshape, Squeeze, Unsqueeze. dX = reshape(dY, shape(X)).</summary>
internal static class Reshape
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Flatten", Flatten, Back),
        Differentiable("Reshape", s => s.ConstInts(1) is { } shape ? [s.In(0).WithDims(OpShapes.Reshape(s.In(0).Dims, shape))] : null, Back),
        Differentiable("Squeeze", Squeeze, Back),
        Differentiable("Unsqueeze", Unsqueeze, Back),
    ];

    private static IReadOnlyList<string?> Back(GradientContext c) => c.Each(() => c.ReshapeLike(c.Dy, c.X(0)));   // dX = reshape(dY, shape(X))

    private static TensorType[]? Flatten(ShapeContext s)
    {
        var d = s.In(0).Dims;
        int axis = OpShapes.Axis(s.Node, d.Length, 1);
        return [s.In(0).WithDims([OpShapes.SymbolicProduct(d[..axis]), OpShapes.SymbolicProduct(d[axis..])])];
    }

    private static TensorType[]? Squeeze(ShapeContext s)
    {
        var axes = s.ConstInts(1);
        var d = s.In(0).Dims;
        var set = (axes ?? Enumerable.Range(0, d.Length).Where(i => d[i] == 1).Select(i => (long)i).ToArray())
            .Select(a => a < 0 ? a + d.Length : a).ToHashSet();
        return [s.In(0).WithDims(d.Where((_, i) => !set.Contains(i)).ToArray())];
    }

    private static TensorType[]? Unsqueeze(ShapeContext s)
    {
        var axes = s.ConstInts(1);
        if (axes is null) return null;
        var d = s.In(0).Dims.ToList();
        int rank = d.Count + axes.Length;
        foreach (var a in axes.Select(a => a < 0 ? a + rank : a).Order()) d.Insert((int)a, 1);
        return [s.In(0).WithDims([.. d])];
    }
}
