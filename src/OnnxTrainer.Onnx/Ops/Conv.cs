using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Conv (2-D, explicit pads, any strides, dilations and groups: depthwise when group = channels).</summary>
internal static class Conv
{
    public static IEnumerable<OpRule> Rules => [Differentiable("Conv", Shape, Gradient)];

    private static TensorType[]? Shape(ShapeContext s)
    {
        var w = s.In(1).Dims;
        long group = s.Node.Int("group", 1);
        if (s.In(0).Dims[1] >= 0 && s.In(0).Dims[1] != w[1] * group)
            throw s.Error($"input {s.In(0).ShapeText} has {s.In(0).Dims[1]} channels, weights {s.In(1).ShapeText} with group {group} expect {w[1] * group}");
        return [OpShapes.ConvLike(s.Node, s.In(0), w[0], s.Node.Ints("kernel_shape", w[2..]))];
    }

    /// <summary>
    /// Y = Conv(X, W, B) with strides s, dilations d, explicit pads, group g.
    /// dX = ConvTranspose(dY, W) with the forward strides/pads/group and output_padding = the rows the forward windows never reached;
    /// dW[o,c,i,j] = sum over n,p,q of dY[n,o,p,q]*Xpad[n,c',p*s+i*d,q*s+j*d] (c' = c in o's group); dB = sum of dY over N,H,W.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        var geo = ConvGeometry.Of(c);
        long group = c.Node.Int("group", 1);
        var y = c.OutType();
        var attrs = new List<NodeAttribute>
        {
            A("kernel_shape", geo.Kernel), A("strides", geo.Strides), A("dilations", geo.Dilations), A("pads", geo.Pads), A("output_padding", geo.Leftover),
        };
        if (group != 1) attrs.Add(A("group", group));
        return c.Each(
            () => c.Typed("ConvTranspose", [c.Dy, c.X(1)], c.InType(0), [.. attrs]),     // dL/dX = ConvTranspose(dL/dY, W)
            () => WeightGradient(c, geo, c.X(0), c.InType(0), c.Dy, c.InType(1).Dims[0], y.Dims[2], y.Dims[3], group),
            () => c.Op("ReduceSum", [c.Dy, c.B.Ints(0, 2, 3)], A("keepdims", 0L)));     // dB = sum_{n,h,w} dY
    }

    /// <summary>
    /// The weight gradient of a window op reading <paramref name="input"/> [N, C, H, W] in ho x wo windows whose
    /// output gradient is <paramref name="grad"/> [N, O, ho, wo]: dW[o, c, i, j] = sum over n,p,q of grad[n,o,p,q]*inputPad[n,c,p*s+i*d,q*s+j*d],
    /// as ONE GEMM over an im2col that runs over batch and positions together: input^T = [C, N, H, W]; its kh*kw strided
    /// slices stacked give cols [kh*kw*C, N*ho*wo]; dW = grad^T [O, N*ho*wo] x cols^T, reordered to [O, C, kh, kw].
    /// With groups the GEMM is a batched MatMul over the g groups and dW is [O, C/g, kh, kw].
    /// </summary>
    internal static string WeightGradient(GradientContext c, ConvGeometry geo, string input, TensorType x, string grad, long o, long ho, long wo, long group)
    {
        long ch = x.Dims[1], kh = geo.Kernel[0], kw = geo.Kernel[1];
        var swap = A("perm", new long[] { 1, 0, 2, 3 });
        string xt = c.Op("Transpose", [input], swap);                                                    // [C, N, H, W]
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
        string stacked = slices.Count == 1 ? slices[0] : c.Op("Concat", slices.ToArray(), A("axis", 0L));  // [kC, N, ho, wo]
        if (group == 1)
        {
            string cols = c.Typed("Reshape", [stacked, c.B.Ints(kh * kw * ch, -1)], x with { Dims = [kh * kw * ch, TensorType.Unknown] });
            string dyt = c.Typed("Reshape", [c.Op("Transpose", [grad], swap), c.B.Ints(o, -1)], x with { Dims = [o, TensorType.Unknown] });
            string dw = c.Typed("Gemm", [dyt, cols], x with { Dims = [o, kh * kw * ch] }, A("transB", 1L));   // [O, kC]
            return c.Op("Transpose", [c.Op("Reshape", dw, c.B.Ints(o, kh, kw, ch))], A("perm", new long[] { 0, 3, 1, 2 }));
        }
        long cg = ch / group, og = o / group, unknown = TensorType.Unknown;
        string split = c.Typed("Reshape", [stacked, c.B.Ints(kh * kw, group, cg, -1)], x with { Dims = [kh * kw, group, cg, unknown] });
        string byGroup = c.Op("Transpose", [split], A("perm", new long[] { 1, 3, 0, 2 }));                 // [g, N*ho*wo, kk, C/g]
        string colsT = c.Typed("Reshape", [byGroup, c.B.Ints(group, -1, kh * kw * cg)], x with { Dims = [group, unknown, kh * kw * cg] });
        string dyg = c.Typed("Reshape", [c.Op("Transpose", [grad], swap), c.B.Ints(group, og, -1)], x with { Dims = [group, og, unknown] });
        string dwg = c.Typed("MatMul", [dyg, colsT], x with { Dims = [group, og, kh * kw * cg] });          // per group: dY_g^T x cols_g^T
        return c.Op("Transpose", [c.Op("Reshape", dwg, c.B.Ints(o, kh, kw, cg))], A("perm", new long[] { 0, 3, 1, 2 }));
    }
}
