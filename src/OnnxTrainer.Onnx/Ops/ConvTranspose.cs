using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>ConvTranspose (2-D, explicit pads, output_padding; the adjoint of Conv), as a forward op of decoders and upsampling.</summary>
internal static class ConvTranspose
{
    public static IEnumerable<OpRule> Rules => [Differentiable("ConvTranspose", Shape, Gradient)];

    /// <summary>Output size: stride*(in-1) + output_padding + dilation*(k-1) + 1 - pads (or the output_shape attribute).</summary>
    private static TensorType[]? Shape(ShapeContext s)
    {
        var x = s.In(0);
        var w = s.In(1).Dims;
        int spatial = x.Rank - 2;
        if (s.Node.Str("auto_pad", "NOTSET") != "NOTSET") return null;
        var kernel = s.Node.Ints("kernel_shape", w[2..]);
        var strides = s.Node.Ints("strides", Enumerable.Repeat(1L, spatial).ToArray());
        var pads = s.Node.Ints("pads", new long[2 * spatial]);
        var dil = s.Node.Ints("dilations", Enumerable.Repeat(1L, spatial).ToArray());
        var extra = s.Node.Ints("output_padding", new long[spatial]);
        var shape = s.Node.Ints("output_shape", []);
        var d = new long[x.Rank];
        d[0] = x.Dims[0];
        d[1] = w[1] * s.Node.Int("group", 1);
        for (int i = 0; i < spatial; i++)
            d[i + 2] = shape.Length == spatial ? shape[i]
                : x.Dims[i + 2] < 0 ? TensorType.Unknown
                : strides[i] * (x.Dims[i + 2] - 1) + extra[i] + dil[i] * (kernel[i] - 1) + 1 - pads[i] - pads[i + spatial];
        return [x.WithDims(d)];
    }

    /// <summary>
    /// Y = ConvTranspose(X, W, B), W [C_in, C_out/g, kh, kw]: dX = Conv(dY, W) with the same strides, pads, dilations and group;
    /// dW[c, o, i, j] = sum over n,h,w of X[n,c,h,w]*dYpad[n,o,h*s+i*d,w*s+j*d] (Conv's weight gradient with the roles of
    /// input and output gradient swapped); dB = sum of dY over N,H,W.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        if (c.Node.Has("output_shape")) throw c.Unsupported("output_shape (give pads and output_padding)");
        var geo = ConvGeometry.Of(c);
        long group = c.Node.Int("group", 1);
        var x = c.InType(0);
        var attrs = new List<NodeAttribute> { A("kernel_shape", geo.Kernel), A("strides", geo.Strides), A("dilations", geo.Dilations), A("pads", geo.Pads) };
        if (group != 1) attrs.Add(A("group", group));
        return c.Each(
            () => c.Typed("Conv", [c.Dy, c.X(1)], x, [.. attrs]),                                   // dL/dX = Conv(dL/dY, W)
            () => Conv.WeightGradient(c, geo, c.Dy, c.OutType(), c.X(0), x.Dims[1], x.Dims[2], x.Dims[3], group),
            () => c.Op("ReduceSum", [c.Dy, c.B.Ints(0, 2, 3)], A("keepdims", 0L)));                 // dB = sum_{n,h,w} dY
    }
}
