using SkiaSharp;

namespace OnnxTrainer.Runtime.Imaging;

/// <summary>Small helpers to make and fill opaque RGBA bitmaps.</summary>
internal static class Bitmaps
{
    public static SKBitmap Opaque(int width, int height) => new(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));

    /// <summary>The RGBA bytes of <paramref name="image"/> at its size (converted when it is in another format).</summary>
    public static SKBitmap Rgba(SKBitmap image) =>
        image.Resize(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None))
        ?? throw new ArgumentException($"The image ({image.ColorType}) cannot be converted to RGBA.", nameof(image));

    public static void Set(Span<byte> pixels, int stride, int x, int y, SKColor c)
    {
        int i = y * stride + 4 * x;
        pixels[i] = c.Red;
        pixels[i + 1] = c.Green;
        pixels[i + 2] = c.Blue;
        pixels[i + 3] = 255;
    }
}
