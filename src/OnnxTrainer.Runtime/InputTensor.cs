using SkiaSharp;

namespace OnnxTrainer.Runtime;

/// <summary>
/// The model's own preprocessing outside the graph: resize to the input size and lay the pixels out as raw 0..255
/// floats in NCHW (the graph's first op rescales or normalizes them). One channel: ITU-R 601 luma, as PIL's
/// convert("L") that Keras' load_img(grayscale=True) uses.
/// </summary>
internal static class InputTensor
{
    public static void Fill(SKBitmap image, ModelInfo info, ResizeMode mode, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width < 1 || image.Height < 1) throw new ArgumentException("The image is empty (0 pixels).", nameof(image));
        int w = info.Width, h = info.Height, plane = w * h;
        var target = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        SKBitmap? owned = null;
        try
        {
            var source = image;
            bool sameSize = image.Width == w && image.Height == h;
            if (!sameSize || image.ColorType != SKColorType.Rgba8888 || image.AlphaType == SKAlphaType.Premul)
            {
                // same size: a plain format conversion
                var sampling = mode == ResizeMode.Nearest || sameSize
                    ? new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None)
                    : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
                source = owned = image.Resize(target, sampling)
                    ?? throw new ArgumentException($"The image ({image.ColorType}, {image.Width}x{image.Height}) could not be resized to {w}x{h} RGBA.", nameof(image));
            }
            ReadOnlySpan<byte> px = source.GetPixelSpan();
            int stride = source.RowBytes;
            for (int y = 0; y < h; y++)
            {
                var row = px.Slice(y * stride, w * 4);
                for (int x = 0, i = y * w; x < w; x++, i++)
                {
                    byte r = row[4 * x], g = row[4 * x + 1], b = row[4 * x + 2];
                    if (info.Channels == 3)
                    {
                        destination[i] = r;
                        destination[plane + i] = g;
                        destination[2 * plane + i] = b;
                    }
                    else
                    {
                        destination[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16; // L = 0.299 R + 0.587 G + 0.114 B, rounded
                    }
                }
            }
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
