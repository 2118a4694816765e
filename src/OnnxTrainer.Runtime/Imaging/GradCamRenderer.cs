using SkiaSharp;

namespace OnnxTrainer.Runtime.Imaging;

/// <summary>Listing 5.44: the heatmap upsampled to the picture, in the jet colormap, added to it.</summary>
public static class GradCamRenderer
{
    /// <summary>The heatmap intensity factor of listing 5.44.</summary>
    public const float DefaultIntensity = 0.4f;

    /// <summary>
    /// A new opaque bitmap of <paramref name="original"/>'s size: each pixel is min(255, round(jet(uint8(255 h)) *
    /// <paramref name="intensity"/> + pixel)), where h is the heatmap resized bilinearly to the picture (listing 5.44 with
    /// cv2.resize, cv2.applyColorMap(COLORMAP_JET) and cv2.imwrite's saturation).
    /// </summary>
    public static SKBitmap Overlay(SKBitmap original, Heatmap heatmap, float intensity = DefaultIntensity)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(heatmap);
        if (!(intensity >= 0) || float.IsInfinity(intensity)) throw new ArgumentOutOfRangeException(nameof(intensity), intensity, "The intensity must be a finite number >= 0.");
        int w = original.Width, h = original.Height;
        var heat = heatmap.Resize(w, h).Values;
        using var rgba = Bitmaps.Rgba(original);
        ReadOnlySpan<byte> src = rgba.GetPixelSpan();
        var result = Bitmaps.Opaque(w, h);
        var dst = result.GetPixelSpan();
        var lut = new SKColor[256];
        for (int i = 0; i < 256; i++) lut[i] = Colormaps.Jet(i / 255f);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = lut[(int)(255 * Math.Clamp(heat[y * w + x], 0f, 1f))]; // np.uint8(255 * heatmap) truncates
                int s = y * rgba.RowBytes + 4 * x, d = y * result.RowBytes + 4 * x;
                dst[d] = Add(c.Red, src[s], intensity);
                dst[d + 1] = Add(c.Green, src[s + 1], intensity);
                dst[d + 2] = Add(c.Blue, src[s + 2], intensity);
                dst[d + 3] = 255;
            }
        return result;
    }

    private static byte Add(byte heat, byte pixel, float intensity) => (byte)Math.Min(255, Math.Round(heat * intensity + pixel, MidpointRounding.ToEven));
}
