using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Data.Augmentation;

/// <summary>
/// Figure 5.11: one image, loaded as listing 5.12 loads it (resized to the target size), drawn through the random
/// transforms <c>count</c> times, laid out in a grid. Tile k is what image k of a training batch filled with
/// the same seed would get.
/// </summary>
public static class AugmentPreview
{
    /// <summary>Pixels between tiles of the grid.</summary>
    public const int Gap = 4;

    /// <returns>The grid as HWC RGB bytes and its size.</returns>
    /// <exception cref="ImageFileException">The image cannot be read, or it or the grid exceeds <paramref name="maxPixels"/>.</exception>
    public static (byte[] Pixels, int Height, int Width) Render(string imagePath, AugmentOptions options, int count, long seed,
        (int Height, int Width)? targetSize = null, int columns = 4, long maxPixels = Onnx.Files.PixelLimit.Default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var (pixels, h, w) = ImageDecoder.Decode(imagePath, ColorMode.Rgb, maxPixels);
        if (targetSize is { } t)
        {
            pixels = ImageResize.Resize(pixels, h, w, 3, t.Height, t.Width, Interpolation.Nearest);
            (h, w) = t;
        }
        // The tiles (and the float batch behind them, 12 bytes a pixel) are bounded by the same pixel limit as the image.
        if ((long)count * h * w > maxPixels)
            throw new ImageFileException(imagePath,
                $"{count} tiles of {w}x{h} make {(long)count * h * w:N0} pixels, over the pixel limit of {maxPixels:N0}; resize first (--size) or draw fewer (--count)");
        int plane = h * w;
        var chw = new byte[3 * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
                chw[c * plane + p] = pixels[p * 3 + c];
        var one = new DatasetSource(new ImageDataset(chw, 3, h, w, [0], ["image"]));
        var augmented = new AugmentedSource(one, options);
        var batch = new float[count * 3 * plane];
        augmented.FillImages(new int[count], batch, seed);

        int cols = Math.Min(columns, count), rows = (count + cols - 1) / cols;
        int gridW = cols * w + (cols + 1) * Gap, gridH = rows * h + (rows + 1) * Gap;
        var grid = new byte[gridH * gridW * 3];
        Array.Fill(grid, (byte)255);
        for (int k = 0; k < count; k++)
        {
            int top = Gap + (k / cols) * (h + Gap), left = Gap + (k % cols) * (w + Gap);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        float v = batch[k * 3 * plane + c * plane + y * w + x];
                        grid[((top + y) * gridW + left + x) * 3 + c] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
                    }
        }
        return (grid, gridH, gridW);
    }

    /// <summary>Renders and writes the grid as a PNG file.</summary>
    public static (int Height, int Width) Save(string outPath, string imagePath, AugmentOptions options, int count, long seed,
        (int Height, int Width)? targetSize = null, int columns = 4, long maxPixels = Onnx.Files.PixelLimit.Default)
    {
        var (grid, h, w) = Render(imagePath, options, count, seed, targetSize, columns, maxPixels);
        ImageEncoder.Save(outPath, grid, h, w, 3, ImageFormat.Png);
        return (h, w);
    }
}
