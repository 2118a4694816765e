using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Gradients.GradientContext;

namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>Gradient rules of the weighted layers: Gemm, MatMul, Conv.</summary>
internal static class ConvRules
{
    /// <summary>
    /// Y = alpha*A'*B' + beta*C with A' = transA ? A^T : A, B' = transB ? B^T : B.
    /// dA' = alpha*dY*B'^T, dB' = alpha*A'^T*dY, dC = beta*dY (summed over broadcast axes by the walk).
    /// </summary>
    public static IReadOnlyList<string?> Gemm(GradientContext c)
    {
        bool ta = c.Node.Int("transA", 0) == 1, tb = c.Node.Int("transB", 0) == 1;
        float alpha = c.Node.Float("alpha", 1f), beta = c.Node.Float("beta", 1f);
        string a = c.X(0), b = c.X(1), dy = c.Dy;
        return c.Each(
            () => ta ? Mm(c, b, dy, tb, true, alpha) : Mm(c, dy, b, false, !tb, alpha),   // dA = alpha*(B'*dY^T) or alpha*dY*B'^T
            () => tb ? Mm(c, dy, a, true, ta, alpha) : Mm(c, a, dy, !ta, false, alpha),   // dB = alpha*(dY^T*A') or alpha*A'^T*dY
            () => beta == 1f ? dy : c.Mul(dy, c.Const(beta)));                            // dC = beta*dY
    }

    /// <summary>Y = A*B with B 2-D (A may have leading batch axes): dA = dY*B^T, dB = A^T*dY over all rows.</summary>
    public static IReadOnlyList<string?> MatMul(GradientContext c)
    {
        var a = c.InType(0);
        var b = c.InType(1);
        if (b.Rank != 2 || a.Rank < 2) throw c.Unsupported($"MatMul of {a.ShapeText} by {b.ShapeText} (only [..,M,K] x [K,N])");
        if (a.Rank == 2)
            return c.Each(() => Mm(c, c.Dy, c.X(1), false, true, 1f), () => Mm(c, c.X(0), c.Dy, true, false, 1f));
        return c.Each(
            () => c.Op("MatMul", c.Dy, c.Op("Transpose", [c.X(1)], A("perm", new long[] { 1, 0 }))),
            () => Mm(c, c.Op("Reshape", c.X(0), c.B.Ints(-1, a.Dims[^1])), c.Op("Reshape", c.Dy, c.B.Ints(-1, b.Dims[1])), true, false, 1f));
    }

    /// <summary>
    /// Y = Conv(X, W, B) with strides s, dilations d, explicit pads, group 1.
    /// dX = ConvTranspose(dY, W) with the forward strides/pads and output_padding = the rows the forward windows never reached;
    /// dW[o,c,i,j] = sum over n,p,q of dY[n,o,p,q]*Xpad[n,c,p*s+i*d,q*s+j*d]; dB = sum of dY over N,H,W.
    /// </summary>
    public static IReadOnlyList<string?> Conv(GradientContext c)
    {
        var geo = ConvGeometry.Of(c);
        return c.Each(
            () => c.Typed("ConvTranspose", [c.Dy, c.X(1)], c.InType(0),                     // dL/dX = ConvTranspose(dL/dY, W)
                A("kernel_shape", geo.Kernel), A("strides", geo.Strides), A("dilations", geo.Dilations),
                A("pads", geo.Pads), A("output_padding", geo.Leftover)),
            () => ConvWeightGradient(c, geo),
            () => c.Op("ReduceSum", [c.Dy, c.B.Ints(0, 2, 3)], A("keepdims", 0L)));     // dB = sum_{n,h,w} dY
    }

    /// <summary>
    /// dW as ONE GEMM over an im2col of X that runs over batch and positions together: X^T = X as [C, N, H, W];
    /// its kh*kw strided slices stacked give cols [kh*kw*C, N*Ho*Wo]; dW = dY^T [O, N*Ho*Wo] x cols^T, reordered to
    /// [O, C, kh, kw].
    /// </summary>
    private static string ConvWeightGradient(GradientContext c, ConvGeometry geo)
    {
        var x = c.InType(0);
        var w = c.InType(1);
        long ch = x.Dims[1], o = w.Dims[0], kh = geo.Kernel[0], kw = geo.Kernel[1];
        long ho = c.OutType().Dims[2], wo = c.OutType().Dims[3];
        var swap = A("perm", new long[] { 1, 0, 2, 3 });
        string xt = c.Op("Transpose", [c.X(0)], swap);                                                  // [C, N, H, W]
        var p = geo.Pads;
        if (p.Any(v => v != 0)) xt = c.Op("Pad", xt, c.B.Ints(0, 0, p[0], p[1], 0, 0, p[2], p[3]));
        var sliceType = x with { Dims = [ch, x.Dims[0], ho, wo] };
        var slices = new List<string>();
        for (long i = 0; i < kh; i++)
            for (long j = 0; j < kw; j++)
            {
                long r0 = i * geo.Dilations[0], c0 = j * geo.Dilations[1];
                slices.Add(c.Typed("Slice", [xt,
                    c.B.Ints(r0, c0), c.B.Ints(r0 + geo.Strides[0] * (ho - 1) + 1, c0 + geo.Strides[1] * (wo - 1) + 1),
                    c.B.Ints(2, 3), c.B.Ints(geo.Strides[0], geo.Strides[1])], sliceType));
            }
        string stacked = slices.Count == 1 ? slices[0] : c.Op("Concat", slices.ToArray(), A("axis", 0L));  // [kC, N, Ho, Wo]
        string cols = c.Typed("Reshape", [stacked, c.B.Ints(kh * kw * ch, -1)], x with { Dims = [kh * kw * ch, TensorType.Unknown] });
        string dyt = c.Typed("Reshape", [c.Op("Transpose", [c.Dy], swap), c.B.Ints(o, -1)], x with { Dims = [o, TensorType.Unknown] });
        string dw = c.Typed("Gemm", [dyt, cols], x with { Dims = [o, kh * kw * ch] }, A("transB", 1L));   // [O, kC]
        return c.Op("Transpose", [c.Op("Reshape", dw, c.B.Ints(o, kh, kw, ch))], A("perm", new long[] { 0, 3, 1, 2 }));
    }

    /// <summary>Gemm(a, b) with the given transposes and alpha.</summary>
    private static string Mm(GradientContext c, string a, string b, bool transA, bool transB, float alpha)
    {
        var attrs = new List<NodeAttribute>();
        if (transA) attrs.Add(A("transA", 1L));
        if (transB) attrs.Add(A("transB", 1L));
        if (alpha != 1f) attrs.Add(A("alpha", alpha));
        return c.Op("Gemm", [a, b], [.. attrs]);
    }
}

/// <summary>The window geometry of a 2-D Conv or pooling node, with the forward's defaults filled in.</summary>
internal sealed record ConvGeometry(long[] Kernel, long[] Strides, long[] Dilations, long[] Pads, long[] Leftover)
{
    public static ConvGeometry Of(GradientContext c)
    {
        var n = c.Node;
        var x = c.InType(0);
        if (x.Rank != 4) throw c.Unsupported($"input {x.ShapeText} (only 2-D windows over NCHW)");
        if (n.Str("auto_pad", "NOTSET") != "NOTSET") throw c.Unsupported($"auto_pad '{n.Str("auto_pad", "")}' (give explicit pads)");
        if (n.Int("group", 1) != 1) throw c.Unsupported($"group {n.Int("group", 1)}");
        if (n.Int("ceil_mode", 0) != 0) throw c.Unsupported("ceil_mode 1");
        var kernel = n.Ints("kernel_shape", n.OpType == "Conv" ? c.InType(1).Dims[2..] : []);
        var strides = n.Ints("strides", [1, 1]);
        var dilations = n.Ints("dilations", [1, 1]);
        var pads = n.Ints("pads", [0, 0, 0, 0]);
        if (x.Dims[2] < 0 || x.Dims[3] < 0) throw c.Unsupported($"input {x.ShapeText} with run-time spatial size");
        // Rows/columns past the last window: (in + pads - span) mod stride, the ConvTranspose output_padding.
        var leftover = new long[2];
        for (int i = 0; i < 2; i++)
            leftover[i] = (x.Dims[2 + i] + pads[i] + pads[i + 2] - (dilations[i] * (kernel[i] - 1) + 1)) % strides[i];
        return new ConvGeometry(kernel, strides, dilations, pads, leftover);
    }
}
