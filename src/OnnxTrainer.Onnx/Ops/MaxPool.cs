using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>MaxPool (2-D, explicit pads, floor mode), with its optional Indices output.</summary>
internal static class MaxPool
{
    public static IEnumerable<OpRule> Rules => [Differentiable("MaxPool", Pooling.Shape, Gradient)];

    /// <summary>
    /// Y = MaxPool(X): each window's dY goes to ONE element, the first maximum in row-major window order (as PyTorch
    /// and ONNX Runtime's Indices pick), so ties never duplicate it. With S_k the k-th element of every window:
    /// dS_k = (S_k == Y) ? rest : 0, rest -= dS_k, and the last element takes what is left; dX = Col2Im(dS).
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        var geo = ConvGeometry.Of(c);
        if (c.Node.Int("storage_order", 0) != 0) throw c.Unsupported("storage_order 1");
        var p = geo.Pads;
        // MaxPool ignores pads: pad with -inf so a pad never equals a window's maximum
        string xp = p.Any(v => v != 0)
            ? c.Op("Pad", c.X(0), c.B.Ints(0, 0, p[0], p[1], 0, 0, p[2], p[3]), c.Const(float.NegativeInfinity))
            : c.X(0);
        long kk = geo.Kernel[0] * geo.Kernel[1];
        var planes = new string[kk];
        string rest = c.Dy;
        for (int k = 0; k < kk - 1; k++)
        {
            string element = Windows.WindowElement(c, geo, xp, k / geo.Kernel[1], k % geo.Kernel[1]);
            planes[k] = c.Op("Where", c.Op("Equal", element, c.Y()), rest, c.Const(0f));
            rest = c.Sub(rest, planes[k]);
        }
        planes[kk - 1] = rest;
        return [Windows.Col2Im(c, geo, planes)];
    }
}

/// <summary>The shape rule shared by MaxPool and AveragePool.</summary>
internal static class Pooling
{
    public static TensorType[]? Shape(ShapeContext s)
    {
        var y = OpShapes.ConvLike(s.Node, s.In(0), s.In(0).Dims[1], s.Node.Ints("kernel_shape", []));
        return s.Node.Outputs.Count > 1 ? [y, y with { Elem = ElementType.Int64 }] : [y];
    }
}
