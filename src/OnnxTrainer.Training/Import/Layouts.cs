namespace OnnxTrainer.Training.Import;

/// <summary>
/// Weight layout conversions into ours (Conv kernels OIHW, Dense kernels [in, out], flatten order NCHW).
/// Each returns a new array; the inputs are not changed.
/// </summary>
public static class Layouts
{
    /// <summary>Keras Conv2D kernel [kh, kw, in, out] (HWIO) to [out, in, kh, kw] (OIHW).</summary>
    public static float[] HwioToOihw(float[] hwio, long kh, long kw, long cin, long cout)
    {
        var oihw = new float[hwio.Length];
        for (long y = 0; y < kh; y++)
            for (long x = 0; x < kw; x++)
                for (long i = 0; i < cin; i++)
                    for (long o = 0; o < cout; o++)
                        oihw[((o * cin + i) * kh + y) * kw + x] = hwio[((y * kw + x) * cin + i) * cout + o];
        return oihw;
    }

    /// <summary>
    /// Rows of a Dense kernel [h*w*c, units] that follows a Keras Flatten of an (h, w, c) map: Keras flattens NHWC,
    /// row (y*w + x)*c + ch; our graphs flatten NCHW, row (ch*h + y)*w + x. Returns the kernel with rows in our order.
    /// </summary>
    public static float[] NhwcRowsToNchw(float[] kernel, long h, long w, long c, long units)
    {
        var result = new float[kernel.Length];
        for (long y = 0; y < h; y++)
            for (long x = 0; x < w; x++)
                for (long ch = 0; ch < c; ch++)
                    Array.Copy(kernel, ((y * w + x) * c + ch) * units, result, ((ch * h + y) * w + x) * units, units);
        return result;
    }

    /// <summary>A matrix [rows, cols] transposed to [cols, rows] (torch Linear [out, in] to our Dense [in, out]).</summary>
    public static float[] Transpose(float[] m, long rows, long cols)
    {
        var t = new float[m.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
                t[c * rows + r] = m[r * cols + c];
        return t;
    }
}
