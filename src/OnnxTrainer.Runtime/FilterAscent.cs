using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Runtime.Imaging;
using SkiaSharp;

namespace OnnxTrainer.Runtime;

/// <summary>
/// Filter patterns by gradient ascent in input space (seeds/003 listings 5.36-5.39) on a graph made by OnnxTrainer's
/// FilterGradient pass: inputs "input" float [N, C, H, W] and "filter_index" int64 [N]; outputs "filter/loss" [N] (the
/// mean activation of each example's filter) and "filter/gradient" [N, C, H, W] (its gradient divided by its root
/// mean square). Each step adds step * gradient to the image; examples are independent, so a batch holds many filters.
/// Safe to use from many threads at once.
/// </summary>
public sealed class FilterAscent : IDisposable
{
    /// <summary>The graph input with the filter index per image.</summary>
    public const string FilterInput = "filter_index";

    /// <summary>The graph output with each image's filter loss.</summary>
    public const string LossOutput = "filter/loss";

    /// <summary>The graph output with each image's normalized gradient.</summary>
    public const string GradientOutput = "filter/gradient";

    private const string ImageInput = "input";
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();

    /// <summary>Loads a filter-gradient graph from the bytes of its .onnx form.</summary>
    /// <exception cref="InvalidDataException">The graph does not have the inputs and outputs above.</exception>
    public FilterAscent(byte[] graph, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        using var options = ExecutionDevices.CreateSessionOptions(ExecutionDevice.Cpu, intraOpThreads);
        _session = new InferenceSession(graph, options);
        if (!_session.InputMetadata.TryGetValue(ImageInput, out var input) || input.Dimensions is not [_, var c, var h, var w] || c < 1 || h < 1 || w < 1
            || !_session.InputMetadata.ContainsKey(FilterInput) || !_session.OutputMetadata.ContainsKey(LossOutput) || !_session.OutputMetadata.ContainsKey(GradientOutput))
        {
            _session.Dispose();
            _run.Dispose();
            throw new InvalidDataException($"Expected a filter-gradient graph (inputs {ImageInput} [N,C,H,W] and {FilterInput}; outputs {LossOutput} and {GradientOutput}).");
        }
        (Channels, Height, Width) = (c, h, w);
    }

    /// <summary>Image channels.</summary>
    public int Channels { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>
    /// Runs <paramref name="steps"/> steps of gradient ascent for each filter, from a gray image with noise (uniform in
    /// [128, 148), listing 5.36) drawn from <paramref name="seed"/>, <paramref name="batchSize"/> filters per run.
    /// Returns each filter's final image (C*H*W floats, channel-major, in the graph's input space), its loss (mean
    /// activation) at the start and at the end.
    /// </summary>
    public IReadOnlyList<(float[] Image, float InitialLoss, float Loss)> Run(IReadOnlyList<int> filters, int steps = 40, float step = 1f, int seed = 0, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int per = Channels * Height * Width;
        var rng = new Random(seed);
        var images = filters.Select(_ =>
        {
            var x = new float[per];
            for (int i = 0; i < per; i++) x[i] = (float)(rng.NextDouble() * 20 + 128);
            return x;
        }).ToArray();
        var losses = new float[filters.Count];
        var initial = new float[filters.Count];
        for (int start = 0; start < filters.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, filters.Count - start);
            var batch = new float[n * per];
            for (int i = 0; i < n; i++) images[start + i].CopyTo(batch, i * per);
            var index = filters.Skip(start).Take(n).Select(f => (long)f).ToArray();
            for (int s = 0; s <= steps; s++)
            {
                using var x = OrtValue.CreateTensorValueFromMemory(batch, [n, Channels, Height, Width]);
                using var f = OrtValue.CreateTensorValueFromMemory(index, [n]);
                using var outputs = _session.Run(_run, [ImageInput, FilterInput], [x, f], s < steps ? [LossOutput, GradientOutput] : [LossOutput]);
                var loss = outputs[0].GetTensorDataAsSpan<float>();
                for (int i = 0; i < n; i++) losses[start + i] = loss[i];
                if (s == 0) loss[..n].CopyTo(initial.AsSpan(start, n));
                if (s == steps) break;
                var g = outputs[1].GetTensorDataAsSpan<float>();
                for (int i = 0; i < batch.Length; i++) batch[i] += step * g[i]; // x += step * grads (ascent)
            }
            for (int i = 0; i < n; i++) batch.AsSpan(i * per, per).CopyTo(images[start + i]);
        }
        return images.Select((x, i) => (x, initial[i], losses[i])).ToArray();
    }

    /// <summary>
    /// Listing 5.37: an image tensor (C*H*W, channel-major, RGB or gray) to a displayable picture: minus its mean,
    /// divided by (std + 1e-5), times 0.1, plus 0.5, clipped to [0, 1], times 255.
    /// </summary>
    public static SKBitmap Deprocess(ReadOnlySpan<float> image, int channels, int height, int width)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image has 1 or 3 channels.");
        if (image.Length != channels * height * width) throw new ArgumentException($"A {channels}x{height}x{width} image has {channels * height * width} values, got {image.Length}.", nameof(image));
        var (mean, std) = MeanStd.Of(image);
        int plane = height * width;
        var bitmap = Bitmaps.Opaque(width, height);
        var px = bitmap.GetPixelSpan();
        byte At(ReadOnlySpan<float> img, int i) => (byte)(255 * Math.Clamp((img[i] - mean) / (std + 1e-5) * 0.1 + 0.5, 0, 1)); // astype('uint8') truncates
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                byte r = At(image, i), g = channels == 3 ? At(image, plane + i) : r, b = channels == 3 ? At(image, 2 * plane + i) : r;
                Bitmaps.Set(px, bitmap.RowBytes, x, y, new SKColor(r, g, b));
            }
        return bitmap;
    }

    /// <summary>
    /// Listing 5.39's grid: tile k at row k % <paramref name="rows"/>, column k / rows (filter i + 8j at row i, column j),
    /// with <paramref name="margin"/> black pixels between tiles. All tiles must have the size of the first.
    /// </summary>
    public static SKBitmap Grid(IReadOnlyList<SKBitmap> tiles, int rows = 8, int margin = 5)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count == 0) throw new ArgumentException("The grid needs at least one tile.", nameof(tiles));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        int w = tiles[0].Width, h = tiles[0].Height, r = Math.Min(rows, tiles.Count), cols = (tiles.Count + rows - 1) / rows;
        var grid = Bitmaps.Opaque(cols * w + (cols - 1) * margin, r * h + (r - 1) * margin);
        using var canvas = new SKCanvas(grid);
        canvas.Clear(SKColors.Black);
        for (int k = 0; k < tiles.Count; k++)
        {
            if (tiles[k].Width != w || tiles[k].Height != h) throw new ArgumentException($"Tile {k} is {tiles[k].Width}x{tiles[k].Height}; the first is {w}x{h}.", nameof(tiles));
            canvas.DrawBitmap(tiles[k], k / rows * (w + margin), k % rows * (h + margin));
        }
        return grid;
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }
}
