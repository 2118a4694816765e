namespace OnnxTrainer.Onnx.Files;

/// <summary>
/// The one pixel limit for decoding images (training folders, augment-preview, the runtime library): the size an image
/// declares in its header is checked against it before any pixel memory is allocated. Each user sets its own value
/// (FolderOptions.MaxImagePixels, ImageModelOptions.MaxImagePixels, --max-image-pixels); this is the default.
/// </summary>
#if ONNXTRAINER_RUNTIME
internal
#else
public
#endif
static class PixelLimit
{
    /// <summary>40 megapixels: 160 MB as 8-bit RGBA, larger than any photo a phone takes today.</summary>
    public const long Default = 40_000_000;

    /// <summary>Null when <paramref name="width"/> x <paramref name="height"/> fits in <paramref name="maxPixels"/>, else the reason.</summary>
    public static string? Exceeded(long width, long height, long maxPixels) =>
        width * height > maxPixels
            ? $"the image declares {width}x{height} = {width * height:N0} pixels; at most {maxPixels:N0} are accepted (the pixel limit)"
            : null;
}
