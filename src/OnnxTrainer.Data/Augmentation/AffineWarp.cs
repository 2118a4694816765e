namespace OnnxTrainer.Data.Augmentation;

/// <summary>
/// Resamples a CHW float image through an <see cref="Affine"/> map from output pixels to input points, with bilinear
/// interpolation (Keras's <c>interpolation_order=1</c>) and a <see cref="FillMode"/> for taps outside the image.
/// Input points within 1e-6 of a pixel are snapped to it, so flips, integer shifts and quarter turns copy pixels exactly.
/// </summary>
public static class AffineWarp
{
    private const double Snap = 1e-6;

    /// <summary>Writes into <paramref name="dst"/> (CHW, the same size) the image <paramref name="src"/> sampled at <paramref name="map"/>(output pixel); taps outside use <paramref name="fill"/> (<paramref name="cval"/> for constant).</summary>
    public static void Apply(ReadOnlySpan<float> src, Span<float> dst, int channels, int height, int width, Affine map, FillMode fill, float cval)
    {
        int plane = height * width;
        if (src.Length != channels * plane || dst.Length != channels * plane)
            throw new ArgumentException($"Images of {channels}x{height}x{width} need {channels * plane} values, got {src.Length} and {dst.Length}.");
        if (src.Overlaps(dst)) throw new ArgumentException("The source and destination images must not overlap.", nameof(dst));
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                var (ir, ic) = map.Apply(r, c);
                ir = SnapToPixel(ir);
                ic = SnapToPixel(ic);
                double fr0 = Math.Floor(ir), fc0 = Math.Floor(ic);
                float fr = (float)(ir - fr0), fc = (float)(ic - fc0);
                int o = r * width + c;
                if (fr0 >= 0 && fr0 + 1 < height && fc0 >= 0 && fc0 + 1 < width)
                {
                    int p = (int)fr0 * width + (int)fc0;
                    for (int k = 0; k < channels; k++)
                    {
                        var s = src.Slice(k * plane);
                        float top = s[p] + (s[p + 1] - s[p]) * fc;
                        float bottom = s[p + width] + (s[p + width + 1] - s[p + width]) * fc;
                        dst[k * plane + o] = top + (bottom - top) * fr;
                    }
                    continue;
                }
                // Some tap is outside: resolve each of the four through the fill mode (-1 means cval).
                int r0 = Resolve(fr0, height, fill), r1 = Resolve(fr0 + 1, height, fill);
                int c0 = Resolve(fc0, width, fill), c1 = Resolve(fc0 + 1, width, fill);
                for (int k = 0; k < channels; k++)
                {
                    var s = src.Slice(k * plane);
                    float t0 = Tap(s, r0, c0, width, cval), t1 = Tap(s, r0, c1, width, cval);
                    float b0 = Tap(s, r1, c0, width, cval), b1 = Tap(s, r1, c1, width, cval);
                    float top = t0 + (t1 - t0) * fc;
                    float bottom = b0 + (b1 - b0) * fc;
                    dst[k * plane + o] = top + (bottom - top) * fr;
                }
            }
    }

    /// <summary>Where index <paramref name="i"/> of an axis of <paramref name="n"/> pixels reads under <paramref name="fill"/>; -1 for cval.</summary>
    public static int Resolve(double i, int n, FillMode fill)
    {
        if (i >= 0 && i < n) return (int)i;
        if (double.IsNaN(i) || Math.Abs(i) > 1e9) return fill == FillMode.Constant ? -1 : 0;
        long j = (long)i;
        switch (fill)
        {
            case FillMode.Constant:
                return -1;
            case FillMode.Nearest:
                return j < 0 ? 0 : n - 1;
            case FillMode.Wrap:
                return (int)(((j % n) + n) % n);
            default: // Reflect: period 2n, the second half mirrored (dcba|abcd|dcba).
                long m = ((j % (2L * n)) + 2L * n) % (2L * n);
                return (int)(m < n ? m : 2L * n - 1 - m);
        }
    }

    private static float Tap(ReadOnlySpan<float> s, int r, int c, int width, float cval) => r < 0 || c < 0 ? cval : s[r * width + c];

    private static double SnapToPixel(double v)
    {
        double r = Math.Round(v);
        return Math.Abs(v - r) < Snap ? r : v;
    }
}
