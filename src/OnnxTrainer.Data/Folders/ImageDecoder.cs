using OnnxTrainer.Onnx.Files;
using SkiaSharp;

namespace OnnxTrainer.Data.Folders;

/// <summary>
/// Reads image files as Keras's <c>load_img</c> does: decode (SkiaSharp: JPEG, PNG, BMP, GIF's first frame, WebP),
/// convert the colors (<see cref="ColorMode"/>), then resize to the target size (<see cref="ImageResize"/>). EXIF
/// orientation is ignored, as PIL's <c>open</c> ignores it. Thread-safe.
/// </summary>
public static class ImageDecoder
{
    /// <summary>The file name endings read as images (case-insensitive); other files in class folders are ignored.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    /// <summary>Whether <paramref name="path"/> ends with an image extension the decoder reads.</summary>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(System.IO.Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Files larger than this are refused unread (a 40-megapixel image is far smaller in any supported format).</summary>
    public const long MaxFileBytes = 512L << 20;

    /// <summary>Decodes <paramref name="path"/> at its own size: HWC bytes with 1 or 3 channels per pixel (<paramref name="mode"/>).</summary>
    /// <exception cref="ImageFileException">The file is not a regular file holding a complete image in a supported format, or declares more than <paramref name="maxPixels"/> pixels.</exception>
    public static (byte[] Pixels, int Height, int Width) Decode(string path, ColorMode mode, long maxPixels = PixelLimit.Default)
    {
        if (path.Contains('\uFFFD'))
            throw new ImageFileException(path, "its name holds bytes that are not UTF-8 (shown as U+FFFD), which .NET on Linux cannot open; rename it to UTF-8");
        // The type is read without opening the file: opening a FIFO would block, and a device could be endless.
        var kind = FileKinds.Of(path, followLinks: true);
        if (kind != FileKind.Regular)
            throw new ImageFileException(path, kind == FileKind.Missing ? "the file does not exist" : $"it is {FileKinds.Describe(kind)}, not a regular file");
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxFileBytes) throw new ImageFileException(path, $"the file is {length:N0} bytes; image files over {MaxFileBytes:N0} bytes are not read");
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new ImageFileException(path, e.Message.TrimEnd('.'));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ImageFileException(path, e.Message.TrimEnd('.'));
        }
        return Decode(bytes, path, mode, maxPixels);
    }

    /// <summary>Decodes encoded image bytes; <paramref name="name"/> appears in errors. The declared size is checked against <paramref name="maxPixels"/> before any pixel is allocated.</summary>
    public static (byte[] Pixels, int Height, int Width) Decode(byte[] encoded, string name, ColorMode mode, long maxPixels = PixelLimit.Default)
    {
        if (encoded.Length == 0) throw new ImageFileException(name, "the file is empty");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
            throw new ImageFileException(name, $"not a JPEG, PNG, BMP, GIF or WebP file (starts with {Hex(encoded)})");
        int width = codec.Info.Width, height = codec.Info.Height;
        if (width < 1 || height < 1) throw new ImageFileException(name, $"the image has no pixels ({width}x{height})");
        if (PixelLimit.Exceeded(width, height, maxPixels) is { } tooLarge) throw new ImageFileException(name, tooLarge);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[(long)width * height * 4];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = rgba) result = codec.GetPixels(info, (nint)p);
        }
        if (result != SKCodecResult.Success)
            throw new ImageFileException(name, result switch
            {
                SKCodecResult.IncompleteInput => $"the {codec.EncodedFormat} data ends early (truncated file)",
                SKCodecResult.ErrorInInput => $"the {codec.EncodedFormat} data is corrupt",
                _ => $"decoding the {codec.EncodedFormat} data failed ({result})",
            });
        return (ToChannels(rgba, mode), height, width);
    }

    /// <summary>Decodes and resizes to <paramref name="height"/> x <paramref name="width"/> (no resampling when the size already matches).</summary>
    public static byte[] Load(string path, ColorMode mode, int height, int width, Interpolation interpolation, long maxPixels = PixelLimit.Default)
    {
        var (pixels, h, w) = Decode(path, mode, maxPixels);
        return ImageResize.Resize(pixels, h, w, mode == ColorMode.Rgb ? 3 : 1, height, width, interpolation);
    }

    // RGBA -> RGB drops alpha (PIL convert('RGB')); -> L uses PIL's integer ITU-R 601 weights, exact for grey input.
    private static byte[] ToChannels(byte[] rgba, ColorMode mode)
    {
        int n = rgba.Length / 4;
        if (mode == ColorMode.Rgb)
        {
            var rgb = new byte[n * 3];
            for (int i = 0; i < n; i++)
            {
                rgb[3 * i] = rgba[4 * i];
                rgb[3 * i + 1] = rgba[4 * i + 1];
                rgb[3 * i + 2] = rgba[4 * i + 2];
            }
            return rgb;
        }
        var grey = new byte[n];
        for (int i = 0; i < n; i++)
            grey[i] = (byte)((rgba[4 * i] * 19595 + rgba[4 * i + 1] * 38470 + rgba[4 * i + 2] * 7471 + 0x8000) >> 16);
        return grey;
    }

    private static string Hex(byte[] bytes) =>
        "0x" + Convert.ToHexString(bytes, 0, Math.Min(8, bytes.Length)) + (bytes.Length > 8 ? "..." : "");
}
