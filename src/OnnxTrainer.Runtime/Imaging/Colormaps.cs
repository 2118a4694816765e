using SkiaSharp;

namespace OnnxTrainer.Runtime.Imaging;

/// <summary>Colormaps for heatmaps and activations.</summary>
public static class Colormaps
{
    // viridis at 0, 1/8, ..., 1 (matplotlib's published anchor colors); linear in between
    private static readonly (byte R, byte G, byte B)[] ViridisAnchors =
    [
        (0x44, 0x01, 0x54), (0x46, 0x33, 0x7e), (0x36, 0x5c, 0x8d), (0x27, 0x7f, 0x8e), (0x1f, 0xa1, 0x87),
        (0x4a, 0xc1, 0x6d), (0x9f, 0xda, 0x3a), (0xfd, 0xe7, 0x25), (0xfd, 0xe7, 0x25),
    ];

    /// <summary>
    /// Jet (as OpenCV's COLORMAP_JET, listing 5.44): dark blue at 0 through cyan, yellow to dark red at 1;
    /// each channel is clamp(1.5 - |4v - k|) with k = 3 (red), 2 (green), 1 (blue).
    /// </summary>
    public static SKColor Jet(float value)
    {
        float v = Math.Clamp(value, 0f, 1f);
        static byte Channel(float x) => (byte)Math.Round(255 * Math.Clamp(1.5f - Math.Abs(x), 0f, 1f));
        return new SKColor(Channel(4 * v - 3), Channel(4 * v - 2), Channel(4 * v - 1));
    }

    /// <summary>Viridis (matplotlib's default, used by listings 5.29-5.31), interpolated between eight anchors; 0 dark purple, 1 yellow.</summary>
    public static SKColor Viridis(float value)
    {
        float v = Math.Clamp(value, 0f, 1f) * 7f;
        int i = Math.Min((int)v, 6);
        float f = v - i;
        var (a, b) = (ViridisAnchors[i], ViridisAnchors[i + 1]);
        static byte Mix(byte x, byte y, float t) => (byte)Math.Round(x + (y - x) * t);
        return new SKColor(Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
    }
}
