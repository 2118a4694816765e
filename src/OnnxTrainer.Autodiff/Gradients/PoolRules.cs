using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Gradients.GradientContext;

namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>Gradient rules of MaxPool and AveragePool (2-D, explicit pads, floor mode).</summary>
internal static class PoolRules
{
    /// <summary>
    /// Y = MaxPool(X): each window's dY goes to ONE element, the first maximum in row-major window order (as
    /// PyTorch and ONNX Runtime's Indices pick), so ties never duplicate it. Non-overlapping windows (strides =
    /// kernel, the usual 2x2/2) use masks over strided slices; overlapping windows scatter through Indices.
    /// </summary>
    public static IReadOnlyList<string?> MaxPool(GradientContext c)
    {
        var geo = ConvGeometry.Of(c);
        if (c.Node.Int("storage_order", 0) != 0) throw c.Unsupported("storage_order 1");
        bool tiled = geo.Strides.SequenceEqual(geo.Kernel) && geo.Dilations.All(d => d == 1);
        return tiled ? [MaxPoolTiled(c, geo)] : [MaxPoolScatter(c)];
    }

    /// <summary>
    /// Windows that tile the input: S_k = the k-th element of every window (a strided slice of X padded with -inf);
    /// dS_k = dY where S_k == Y and no earlier S_j took it (rest -= dS_k), the last takes what is left;
    /// dX = the dS_k interleaved back (Concat + DepthToSpace), pads and the rows past the last window cropped or zero.
    /// </summary>
    private static string MaxPoolTiled(GradientContext c, ConvGeometry geo)
    {
        var x = c.InType(0);
        long n = x.Dims[0], ch = x.Dims[1], kh = geo.Kernel[0], kw = geo.Kernel[1];
        long ho = c.OutType().Dims[2], wo = c.OutType().Dims[3];
        var p = geo.Pads;
        string xp = p.Any(v => v != 0)
            ? c.Op("Pad", c.X(0), c.B.Ints(0, 0, p[0], p[1], 0, 0, p[2], p[3]), c.Const(float.NegativeInfinity))
            : c.X(0);
        var sliceType = x with { Dims = [n, ch, ho, wo] };
        var parts = new string[kh * kw];
        string rest = c.Dy;
        for (int k = 0; k < parts.Length; k++)
        {
            if (k == parts.Length - 1) { parts[k] = rest; break; }
            long i = k / kw, j = k % kw;
            string s = c.Typed("Slice", [xp, c.B.Ints(i, j), c.B.Ints(i + kh * (ho - 1) + 1, j + kw * (wo - 1) + 1), c.B.Ints(2, 3), c.B.Ints(kh, kw)], sliceType);
            parts[k] = c.Op("Where", c.Op("Equal", s, c.Y()), rest, c.Const(0f));     // dS_k = (S_k == Y) ? rest : 0
            rest = c.Sub(rest, parts[k]);
        }
        string stacked = parts.Length == 1 ? parts[0] : c.Op("Concat", parts, A("axis", 1L));   // [N, K*C, Ho, Wo], k-major
        var tiledType = x with { Dims = [n, ch, ho * kh, wo * kw] };
        string tiled = kh == kw
            ? c.Typed("DepthToSpace", [stacked], tiledType, A("blocksize", kh), A("mode", "DCR"))
            : c.Op("Reshape", c.Op("Transpose", [c.Op("Reshape", stacked, c.B.Ints(-1, kh, kw, ch, ho, wo))], A("perm", new long[] { 0, 3, 4, 1, 5, 2 })),
                c.B.Ints(-1, ch, ho * kh, wo * kw));
        // Crop the pads before, and crop or zero-fill up to the input's end.
        long[] fix = [0, 0, -p[0], -p[1], 0, 0, x.Dims[2] + p[0] - ho * kh, x.Dims[3] + p[1] - wo * kw];
        return fix.All(v => v == 0) ? tiled : c.Op("Pad", tiled, c.B.Ints(fix));
    }

    /// <summary>Overlapping windows: dX = ScatterElements(zeros, Indices, dY, reduction add) over the flat tensor.</summary>
    private static string MaxPoolScatter(GradientContext c)
    {
        string indices = c.Node.Outputs.Count > 1 && c.Node.Outputs[1].Length > 0
            ? c.Node.Outputs[1]
            : c.B.Node("MaxPool", [c.X(0)], 2, c.Node.Attributes)[1];
        string flat = c.B.Ints(-1);
        string zeros = c.Op("Reshape", c.ExpandLike(c.Const(0f), c.X(0)), flat);
        string scattered = c.Op("ScatterElements", [zeros, c.Op("Reshape", indices, flat), c.Op("Reshape", c.Dy, flat)],
            A("axis", 0L), A("reduction", "add"));
        return c.ReshapeLike(scattered, c.X(0));
    }

    /// <summary>
    /// Y = AveragePool(X): dX = ConvTranspose(dY/count, ones) over each channel, where count is the window size, or
    /// with count_include_pad=0 the number of real (unpadded) elements of each window, a constant per output position.
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
        string perChannel = c.Op("Reshape", scaled, c.B.Ints(-1, 1, ho, wo));
        string ones = c.B.Floats(c.B.Prefixed("ones"), Enumerable.Repeat(1f, (int)(kh * kw)).ToArray(), 1, 1, kh, kw);
        string spread = c.Typed("ConvTranspose", [perChannel, ones], x with { Dims = [TensorType.Unknown, 1, x.Dims[2], x.Dims[3]] },
            A("kernel_shape", geo.Kernel), A("strides", geo.Strides), A("pads", p), A("output_padding", geo.Leftover));
        return [c.ReshapeLike(spread, c.X(0))];
    }

    /// <summary>How many of the positions start .. start+size-1 lie in [0, length).</summary>
    private static long Covered(long start, long size, long length) => Math.Min(start + size, length) - Math.Max(start, 0);
}
