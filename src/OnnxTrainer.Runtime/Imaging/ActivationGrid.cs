using SkiaSharp;

namespace OnnxTrainer.Runtime.Imaging;

/// <summary>Listing 5.31: every channel of a layer's activation tiled into one picture.</summary>
public static class ActivationGrid
{
    /// <summary>
    /// Tiles the channels of <paramref name="map"/> <paramref name="imagesPerRow"/> to a row (channel c at row c /
    /// imagesPerRow, column c % imagesPerRow, no gaps), each channel post-processed as in listing 5.31: minus its
    /// mean, divided by its standard deviation, times 64, plus 128, clipped to [0, 255]; a constant channel (standard
    /// deviation 0, where the listing divides by zero) becomes 0. The values are colored with viridis on the fixed
    /// range 0..255; each cell is enlarged <paramref name="cellScale"/> times (nearest) so small maps stay visible.
    /// </summary>
    public static SKBitmap Render(FeatureMap map, int imagesPerRow = 16, int cellScale = 1)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imagesPerRow);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cellScale);
        int cols = Math.Min(imagesPerRow, map.Channels), rows = (map.Channels + imagesPerRow - 1) / imagesPerRow;
        int cw = map.Width * cellScale, ch = map.Height * cellScale;
        var bitmap = Bitmaps.Opaque(cols * cw, rows * ch);
        bitmap.Erase(SKColors.Black);
        var px = bitmap.GetPixelSpan();
        var lut = new SKColor[256];
        for (int i = 0; i < 256; i++) lut[i] = Colormaps.Viridis(i / 255f);
        for (int c = 0; c < map.Channels; c++)
        {
            var values = Normalize(map.Channel(c));
            int x0 = c % imagesPerRow * cw, y0 = c / imagesPerRow * ch;
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < cw; x++)
                    Bitmaps.Set(px, bitmap.RowBytes, x0 + x, y0 + y, lut[values[y / cellScale * map.Width + x / cellScale]]);
        }
        return bitmap;
    }

    /// <summary>Listing 5.31's post-processing of one channel: ((x - mean) / std * 64 + 128) clipped to 0..255, as bytes.</summary>
    public static byte[] Normalize(ReadOnlySpan<float> channel)
    {
        var (mean, std) = MeanStd.Of(channel);
        var result = new byte[channel.Length];
        if (std == 0) return result;
        for (int i = 0; i < channel.Length; i++)
            result[i] = (byte)Math.Clamp((channel[i] - mean) / std * 64 + 128, 0, 255); // astype('uint8') truncates
        return result;
    }
}
