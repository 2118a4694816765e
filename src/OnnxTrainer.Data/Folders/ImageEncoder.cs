using SkiaSharp;

namespace OnnxTrainer.Data.Folders;

/// <summary>Encoded image formats written by <see cref="ImageEncoder"/>.</summary>
public enum ImageFormat
{
    /// <summary>PNG, lossless.</summary>
    Png,

    /// <summary>JPEG (lossy; see the quality of <see cref="ImageEncoder.Encode"/>).</summary>
    Jpeg,

    /// <summary>WebP.</summary>
    Webp,
}

/// <summary>Writes HWC byte images (1 channel grey or 3 channels RGB) as PNG, JPEG or WebP files (SkiaSharp).</summary>
public static class ImageEncoder
{
    /// <summary>The file extension of <paramref name="format"/>, with its dot.</summary>
    public static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Png => ".png",
        ImageFormat.Jpeg => ".jpg",
        _ => ".webp",
    };

    /// <summary>The format named png, jpeg (or jpg) or webp, in any case; anything else is a <see cref="FormatException"/>.</summary>
    public static ImageFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "png" => ImageFormat.Png,
        "jpeg" or "jpg" => ImageFormat.Jpeg,
        "webp" => ImageFormat.Webp,
        _ => throw new FormatException($"Unknown image format '{text}'. Expected png, jpeg or webp."),
    };

    /// <summary>Encodes the image; <paramref name="quality"/> (1..100) matters for JPEG and WebP only.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> hwc, int height, int width, int channels, ImageFormat format, int quality = 95)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"Images have 1 or 3 channels, got {channels}.", nameof(channels));
        if (hwc.Length != (long)height * width * channels)
            throw new ArgumentException($"A {height}x{width}x{channels} image has {(long)height * width * channels} bytes, got {hwc.Length}.", nameof(hwc));
        var rgba = new byte[height * width * 4];
        for (int p = 0; p < height * width; p++)
        {
            for (int k = 0; k < 3; k++) rgba[4 * p + k] = hwc[p * channels + (channels == 1 ? 0 : k)];
            rgba[4 * p + 3] = 255;
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var pixmapData = SKData.CreateCopy(rgba);
        using var image = SKImage.FromPixels(info, pixmapData, info.RowBytes)
            ?? throw new InvalidOperationException($"SkiaSharp could not wrap a {width}x{height} image.");
        var skFormat = format switch
        {
            ImageFormat.Png => SKEncodedImageFormat.Png,
            ImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
            _ => SKEncodedImageFormat.Webp,
        };
        using var encoded = image.Encode(skFormat, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode {format}.");
        return encoded.ToArray();
    }

    /// <summary>Writes the image to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Save(string path, ReadOnlySpan<byte> hwc, int height, int width, int channels, ImageFormat format, int quality = 95)
    {
        Onnx.Files.SafeFile.WriteAllBytes(path, Encode(hwc, height, width, channels, format, quality), "image file");
    }
}
