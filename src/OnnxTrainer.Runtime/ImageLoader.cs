using OnnxTrainer.Onnx.Files;
using SkiaSharp;

namespace OnnxTrainer.Runtime;

/// <summary>The bytes given are not an image SkiaSharp can decode (PNG, JPEG, GIF, BMP, WebP, ICO, WBMP): a format error.</summary>
public class ImageDecodeException : FormatException
{
    /// <summary>Creates the exception with a message saying what was expected and what was found.</summary>
    public ImageDecodeException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The image is larger than the pixel limit (<see cref="ImageModelOptions.MaxImagePixels"/>); it was not decoded.</summary>
public sealed class ImageTooLargeException : ImageDecodeException
{
    /// <summary>Creates the exception with a message naming the image's size and the limit.</summary>
    public ImageTooLargeException(string message) : base(message) { }
}

/// <summary>
/// Decodes images into 8-bit RGBA bitmaps (unpremultiplied), checking the size in the header first, so an oversized
/// image is refused before its pixels are allocated.
/// </summary>
public static class ImageLoader
{
    /// <summary>The default pixel limit: 40 megapixels (the same limit as training folders and augment-preview).</summary>
    public const long DefaultMaxPixels = PixelLimit.Default;

    /// <summary>Decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ImageDecodeException">The file is not a decodable image, or is larger than <paramref name="maxPixels"/>.</exception>
    public static SKBitmap Decode(string path, long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(path);
        // The type is read without opening the file: opening a FIFO would block, and a device could be endless.
        var kind = FileKinds.Of(path, followLinks: true);
        if (kind == FileKind.Missing) throw new FileNotFoundException(FileNames.NotFound(path, "Image file"), path);
        if (kind != FileKind.Regular) throw new ImageDecodeException($"Expected an image file; '{path}' is {FileKinds.Describe(kind)}.");
        return Decode(File.ReadAllBytes(path), maxPixels, $"'{path}'");
    }

    /// <summary>Decodes the image read from <paramref name="stream"/> (to its end).</summary>
    public static SKBitmap Decode(Stream stream, long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Decode(copy.GetBuffer().AsSpan(0, (int)copy.Length), maxPixels, "the stream");
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded, long maxPixels = DefaultMaxPixels) => Decode(encoded, maxPixels, "the data");

    private static SKBitmap Decode(ReadOnlySpan<byte> encoded, long maxPixels, string what)
    {
        if (encoded.IsEmpty) throw new ImageDecodeException($"Expected an image (PNG, JPEG, GIF, BMP or WebP); {what} is empty.");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageDecodeException($"Expected an image (PNG, JPEG, GIF, BMP or WebP); {what} ({encoded.Length} bytes) is not one SkiaSharp can decode.");
        var size = codec.Info;
        if ((long)size.Width * size.Height > maxPixels)
            throw new ImageTooLargeException($"The image is {size.Width}x{size.Height} = {(long)size.Width * size.Height} pixels; at most {maxPixels} are accepted.");
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new ImageDecodeException($"Expected a complete image; decoding {what} ({size.Width}x{size.Height}) stopped with {result}.");
        }
        return bitmap;
    }
}
