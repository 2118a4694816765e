using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>GlobalAveragePool and GlobalMaxPool: one value per channel, [N, C, H, W] to [N, C, 1, 1].</summary>
internal static class GlobalPool
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("GlobalAveragePool", Shape,
            c => [c.ExpandLike(c.Div(c.Dy, c.Const(Shapes.Product(c.InType(0).Dims[2..]))), c.X(0))]), // dX = dY/(H*W) spread
        Differentiable("GlobalMaxPool", Shape, GlobalMax),
    ];

    private static TensorType[]? Shape(ShapeContext s) => [s.In(0).WithDims([s.In(0).Dims[0], s.In(0).Dims[1], .. Enumerable.Repeat(1L, s.In(0).Rank - 2)])];

    /// <summary>
    /// Y = max over the plane: dY goes to the plane's FIRST maximum in row-major order (as MaxPool routes ties):
    /// with m = (X == Y) flattened per plane, first = m*(cumsum(m) == 1), dX = first*dY.
    /// </summary>
    private static IReadOnlyList<string?> GlobalMax(GradientContext c)
    {
        if (c.InType(0).Rank != 4) throw c.Unsupported($"input {c.InType(0).ShapeText} (only NCHW)");
        string flat = c.Op("Reshape", c.X(0), c.B.Ints(0, 0, -1));                                 // [N, C, H*W]
        string mask = c.AsFloat(c.Op("Equal", flat, c.Op("Reshape", c.Y(), c.B.Ints(0, 0, 1))));
        string first = c.Mul(mask, c.AsFloat(c.Op("Equal", c.Op("CumSum", mask, c.B.Int(2)), c.Const(1f))));
        return [c.ReshapeLike(c.Mul(first, c.Op("Reshape", c.Dy, c.B.Ints(0, 0, 1))), c.X(0))];
    }
}
