namespace OnnxTrainer.Runtime;

/// <summary>A 2-D map of values in [0, 1], row-major: a Grad-CAM class activation heatmap.</summary>
public sealed class Heatmap
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> (height*width floats, row-major; not copied).</summary>
    public Heatmap(int width, int height, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (width < 1 || height < 1) throw new ArgumentException($"A heatmap needs positive sizes, got {width}x{height}.");
        if (values.Length != (long)width * height)
            throw new ArgumentException($"A {width}x{height} heatmap needs {(long)width * height} values, got {values.Length}.", nameof(values));
        Width = width;
        Height = height;
        _values = values;
    }

    /// <summary>Width in cells.</summary>
    public int Width { get; }

    /// <summary>Height in cells.</summary>
    public int Height { get; }

    /// <summary>The values, row-major: (y, x) is at y * Width + x.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The value at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int y, int x] => (uint)y < (uint)Height && (uint)x < (uint)Width
        ? _values[y * Width + x]
        : throw new ArgumentOutOfRangeException(nameof(y), $"({y}, {x}) is outside the {Width}x{Height} heatmap.");

    /// <summary>
    /// Bilinear resampling to <paramref name="width"/> x <paramref name="height"/> with pixel centers aligned (as OpenCV's
    /// cv2.resize, listing 5.44): output pixel x samples the input at (x + 0.5) * Width / width - 0.5, clamped to the edges.
    /// </summary>
    public Heatmap Resize(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"A heatmap needs positive sizes, got {width}x{height}.");
        var result = new float[(long)width * height];
        var (x0, x1, fx) = Taps(Width, width);
        var (y0, y1, fy) = Taps(Height, height);
        for (int y = 0; y < height; y++)
        {
            int r0 = y0[y] * Width, r1 = y1[y] * Width;
            float wy = fy[y];
            for (int x = 0; x < width; x++)
            {
                float top = _values[r0 + x0[x]] + (_values[r0 + x1[x]] - _values[r0 + x0[x]]) * fx[x];
                float bottom = _values[r1 + x0[x]] + (_values[r1 + x1[x]] - _values[r1 + x0[x]]) * fx[x];
                result[(long)y * width + x] = top + (bottom - top) * wy;
            }
        }
        return new Heatmap(width, height, result);
    }

    /// <summary>For each output position: the two input positions and the weight of the second.</summary>
    private static (int[] Lo, int[] Hi, float[] Frac) Taps(int source, int target)
    {
        var lo = new int[target];
        var hi = new int[target];
        var frac = new float[target];
        double scale = (double)source / target;
        for (int i = 0; i < target; i++)
        {
            double s = Math.Clamp((i + 0.5) * scale - 0.5, 0, source - 1);
            lo[i] = (int)Math.Floor(s);
            hi[i] = Math.Min(lo[i] + 1, source - 1);
            frac[i] = (float)(s - lo[i]);
        }
        return (lo, hi, frac);
    }
}
