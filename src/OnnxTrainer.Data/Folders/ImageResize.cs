namespace OnnxTrainer.Data.Folders;

/// <summary>Resizing of HWC byte images as PIL's <c>Image.resize</c> does (what Keras's <c>load_img(target_size=...)</c> calls).</summary>
public static class ImageResize
{
    /// <summary>Resizes an HWC byte image <paramref name="src"/> of <paramref name="height"/> x <paramref name="width"/> x <paramref name="channels"/> to <paramref name="outHeight"/> x <paramref name="outWidth"/> with <paramref name="interpolation"/>.</summary>
    public static byte[] Resize(byte[] src, int height, int width, int channels, int outHeight, int outWidth, Interpolation interpolation)
    {
        if (src.Length != (long)height * width * channels)
            throw new ArgumentException($"A {height}x{width}x{channels} image has {(long)height * width * channels} bytes, got {src.Length}.", nameof(src));
        if (height == outHeight && width == outWidth) return src;
        return interpolation == Interpolation.Nearest
            ? Nearest(src, height, width, channels, outHeight, outWidth)
            : Bilinear(src, height, width, channels, outHeight, outWidth);
    }

    // Output pixel (y, x) reads input (floor((y + 0.5) * h / outH), floor((x + 0.5) * w / outW)): PIL's NEAREST.
    private static byte[] Nearest(byte[] src, int h, int w, int c, int oh, int ow)
    {
        var dst = new byte[(long)oh * ow * c];
        var cols = new int[ow];
        for (int x = 0; x < ow; x++) cols[x] = Math.Min(w - 1, (int)((x + 0.5) * w / ow));
        for (int y = 0; y < oh; y++)
        {
            int sy = Math.Min(h - 1, (int)((y + 0.5) * h / oh));
            int srcRow = sy * w * c, dstRow = y * ow * c;
            for (int x = 0; x < ow; x++)
                for (int k = 0; k < c; k++)
                    dst[dstRow + x * c + k] = src[srcRow + cols[x] * c + k];
        }
        return dst;
    }

    // Separable triangle filter: center (x + 0.5) * scale, support max(scale, 1), weight 1 - |d| / max(scale, 1)
    // (PIL precompute_coeffs with the bilinear filter); rows first, then columns, rounded once at the end.
    private static byte[] Bilinear(byte[] src, int h, int w, int c, int oh, int ow)
    {
        var (xStart, xCount, xWeights, xTaps) = Coefficients(w, ow);
        var (yStart, yCount, yWeights, yTaps) = Coefficients(h, oh);
        var rows = new float[(long)h * ow * c];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < ow; x++)
                for (int k = 0; k < c; k++)
                {
                    double sum = 0;
                    for (int t = 0; t < xCount[x]; t++)
                        sum += xWeights[x * xTaps + t] * src[(y * w + xStart[x] + t) * c + k];
                    rows[(y * ow + x) * c + k] = (float)sum;
                }
        var dst = new byte[(long)oh * ow * c];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int k = 0; k < c; k++)
                {
                    double sum = 0;
                    for (int t = 0; t < yCount[y]; t++)
                        sum += yWeights[y * yTaps + t] * rows[((yStart[y] + t) * ow + x) * c + k];
                    dst[(y * ow + x) * c + k] = (byte)Math.Clamp(Math.Round(sum, MidpointRounding.AwayFromZero), 0, 255);
                }
        return dst;
    }

    /// <summary>For each output index: the first input index, the number of taps and their normalized weights (stride Taps).</summary>
    private static (int[] Start, int[] Count, double[] Weights, int Taps) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale; // the bilinear filter's support is 1
        int taps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new double[outSize * taps];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int lo = Math.Max((int)(center - support + 0.5), 0);
            int hi = Math.Min((int)(center + support + 0.5), inSize);
            int n = Math.Min(hi - lo, taps);
            double total = 0;
            for (int t = 0; t < n; t++)
            {
                double wgt = Math.Max(0, 1 - Math.Abs((lo + t - center + 0.5) / filterScale));
                weights[o * taps + t] = wgt;
                total += wgt;
            }
            for (int t = 0; t < n; t++) weights[o * taps + t] /= total;
            start[o] = lo;
            count[o] = n;
        }
        return (start, count, weights, taps);
    }
}
