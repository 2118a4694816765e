using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>AveragePool (2-D, explicit pads, floor mode, count_include_pad 0 or 1).</summary>
internal static class AveragePool
{
    public static IEnumerable<OpRule> Rules => [Differentiable("AveragePool", Pooling.Shape, Gradient)];

    /// <summary>
    /// Y = AveragePool(X): dX = Col2Im(dY/count in every window position), where count is the window size, or with
    /// count_include_pad=0 the number of real (unpadded) elements of each window, a constant per output position.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        var geo = ConvGeometry.Of(c);
        var x = c.InType(0);
        long kh = geo.Kernel[0], kw = geo.Kernel[1];
        long ho = c.OutType().Dims[2], wo = c.OutType().Dims[3];
        var p = geo.Pads;
        string scaled;
        if (c.Node.Int("count_include_pad", 0) == 1 || p.All(v => v == 0))
            scaled = c.Mul(c.Dy, c.Const(1f / (kh * kw)));
        else
        {
            var inv = new float[ho * wo];
            for (long r = 0; r < ho; r++)
                for (long q = 0; q < wo; q++)
                    inv[r * wo + q] = 1f / (Covered(r * geo.Strides[0] - p[0], kh, x.Dims[2]) * Covered(q * geo.Strides[1] - p[1], kw, x.Dims[3]));
            scaled = c.Mul(c.Dy, c.B.Floats(c.B.Prefixed("inv_count"), inv, 1, 1, ho, wo));
        }
        return [Windows.Col2Im(c, geo, Enumerable.Repeat(scaled, (int)(kh * kw)).ToArray())];
    }

    /// <summary>How many of the positions start .. start+size-1 lie in [0, length).</summary>
    private static long Covered(long start, long size, long length) => Math.Min(start + size, length) - Math.Max(start, 0);
}
