using static OnnxTrainer.Onnx.Ops.GradientContext;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>The window geometry of a 2-D Conv, ConvTranspose or pooling node, with the forward's defaults filled in.</summary>
internal sealed record ConvGeometry(long[] Kernel, long[] Strides, long[] Dilations, long[] Pads, long[] Leftover)
{
    public static ConvGeometry Of(GradientContext c)
    {
        var n = c.Node;
        var x = c.InType(0);
        if (x.Rank != 4) throw c.Unsupported($"input {x.ShapeText} (only 2-D windows over NCHW)");
        if (n.Str("auto_pad", "NOTSET") != "NOTSET") throw c.Unsupported($"auto_pad '{n.Str("auto_pad", "")}' (give explicit pads)");
        if (n.Int("ceil_mode", 0) != 0) throw c.Unsupported("ceil_mode 1");
        var kernel = n.Ints("kernel_shape", n.OpType is "Conv" or "ConvTranspose" ? c.InType(1).Dims[2..] : []);
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

/// <summary>Gradient pieces shared by the window ops (pooling): window elements and their adjoint, Col2Im.</summary>
internal static class Windows
{
    /// <summary>Element (i, j) of every window: a strided slice of the padded input, [N, C, Ho, Wo].</summary>
    public static string WindowElement(GradientContext c, ConvGeometry geo, string xp, long i, long j)
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
    public static string Col2Im(GradientContext c, ConvGeometry geo, string[] planes)
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
}
