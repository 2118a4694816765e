using OnnxTrainer.Onnx.Files;
using SkiaSharp;

namespace OnnxTrainer.Runtime.Imaging;

/// <summary>An encoded image format.</summary>
public enum ImageFormat
{
    /// <summary>PNG (lossless).</summary>
    Png,

    /// <summary>JPEG.</summary>
    Jpeg,
}

/// <summary>Encoding bitmaps as PNG or JPEG and writing them.</summary>
public static class ImageFiles
{
    /// <summary>The format a file name asks for: .png, or .jpg / .jpeg.</summary>
    /// <exception cref="ArgumentException">Another extension.</exception>
    public static ImageFormat FormatOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => ImageFormat.Png,
            ".jpg" or ".jpeg" => ImageFormat.Jpeg,
            var e => throw new ArgumentException($"Expected a .png, .jpg or .jpeg file name; '{path}' ends in '{e}'.", nameof(path)),
        };
    }

    /// <summary>Encodes <paramref name="bitmap"/>; <paramref name="jpegQuality"/> (1-100) applies to JPEG.</summary>
    public static byte[] Encode(SKBitmap bitmap, ImageFormat format, int jpegQuality = 95)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        if (jpegQuality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(jpegQuality), jpegQuality, "JPEG quality is 1 to 100.");
        using var data = bitmap.Encode(format == ImageFormat.Png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, jpegQuality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode the {bitmap.Width}x{bitmap.Height} {bitmap.ColorType} bitmap as {format}.");
        return data.ToArray();
    }

    /// <summary>Writes <paramref name="bitmap"/> to <paramref name="path"/> in the format its extension names, atomically (a temporary file of this writer, flushed, then renamed).</summary>
    /// <exception cref="ArgumentException">The path is a folder, device or FIFO, lies in a missing folder, or has another extension.</exception>
    public static void Save(SKBitmap bitmap, string path, int jpegQuality = 95)
    {
        var format = FormatOf(path);
        SafeFile.CheckTarget(path, "image file"); // refuse a folder, device or FIFO before encoding
        SafeFile.WriteAllBytes(path, Encode(bitmap, format, jpegQuality), "image file");
    }
}
