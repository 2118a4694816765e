using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Gradients.GradientContext;

namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>
/// Gradient rules of MaxPool and AveragePool (2-D, explicit pads, floor mode). Both build the gradient of every
/// window element at the output's resolution, one plane per position in the window, and let Col2Im (the adjoint of
/// im2col) add each plane back at its place: overlapping windows sum, pads and the rows past the last window drop.
/// </summary>
internal static class PoolRules
{
    /// <summary>
    /// Y = MaxPool(X): each window's dY goes to ONE element, the first maximum in row-major window order (as PyTorch
    /// and ONNX Runtime's Indices pick), so ties never duplicate it. With S_k the k-th element of every window:
    /// dS_k = (S_k == Y) ? rest : 0, rest -= dS_k, and the last element takes what is left; dX = Col2Im(dS).
    /// </summary>
    public static IReadOnlyList<string?> MaxPool(GradientContext c)
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
            string element = WindowElement(c, geo, xp, k / geo.Kernel[1], k % geo.Kernel[1]);
            planes[k] = c.Op("Where", c.Op("Equal", element, c.Y()), rest, c.Const(0f));
            rest = c.Sub(rest, planes[k]);
        }
        planes[kk - 1] = rest;
        return [Col2Im(c, geo, planes)];
    }

    /// <summary>
    /// Y = AveragePool(X): dX = Col2Im(dY/count in every window position), where count is the window size, or with
    /// count_include_pad=0 the number of real (unpadded) elements of each window, a constant per output position.
    /// </summary>
    public static IReadOnlyList<string?> AveragePool(GradientContext c)
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
        return [Col2Im(c, geo, Enumerable.Repeat(scaled, (int)(kh * kw)).ToArray())];
    }

    /// <summary>Element (i, j) of every window: a strided slice of the padded input, [N, C, Ho, Wo].</summary>
    private static string WindowElement(GradientContext c, ConvGeometry geo, string xp, long i, long j)
    {
        var y = c.OutType();
        long ho = y.Dims[2], wo = y.Dims[3];
        var (s, d) = (geo.Strides, geo.Dilations);
        return c.Typed("Slice", [xp,
            c.B.Ints(i * d[0], j * d[1]), c.B.Ints(i * d[0] + s[0] * (ho - 1) + 1, j * d[1] + s[1] * (wo - 1) + 1),
            c.B.Ints(2, 3), c.B.Ints(s[0], s[1])], y);
    }

    /// <summary>
    /// dX from the gradients of the window elements (one [N, C, Ho, Wo] plane per window position, row-major):
    /// stacked as [N, C*kh*kw, Ho*Wo] columns, Col2Im adds each back where the forward window read it.
    /// </summary>
    private static string Col2Im(GradientContext c, ConvGeometry geo, string[] planes)
    {
        var x = c.InType(0);
        var y = c.OutType();
        string axis = c.B.Ints(2);
        var unsqueezed = planes.Distinct().ToDictionary(g => g, g => c.Op("Unsqueeze", g, axis));
        string stacked = planes.Length == 1 ? unsqueezed[planes[0]]
            : c.Op("Concat", planes.Select(g => unsqueezed[g]).ToArray(), A("axis", 2L));   // [N, C, K, Ho, Wo]
        string cols = c.Op("Reshape", stacked, c.B.Ints(-1, x.Dims[1] * planes.Length, y.Dims[2] * y.Dims[3]));
        return c.Typed("Col2Im", [cols, c.B.Ints(x.Dims[2], x.Dims[3]), c.B.Ints(geo.Kernel)], x,
            A("strides", geo.Strides), A("pads", geo.Pads), A("dilations", geo.Dilations));
    }

    /// <summary>How many of the positions start .. start+size-1 lie in [0, length).</summary>
    private static long Covered(long start, long size, long length) => Math.Min(start + size, length) - Math.Max(start, 0);
}
