using System.Diagnostics;
using System.Globalization;
using OnnxTrainer.Data.Augmentation;
using OnnxTrainer.Data.Folders;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Data.Pipeline;

/// <summary>Throughput of one pipeline configuration.</summary>
public sealed record PipelineTiming(string What, int Images, double Seconds, int Workers, int Prefetch)
{
    public double ImagesPerSecond => Images / Seconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{What}: {Images} images in {Seconds:0.00} s = {ImagesPerSecond:0.0} images/s ({Workers} workers, prefetch {Prefetch})");
}

/// <summary>
/// Images per second the input pipeline delivers at 150x150 RGB with listing 5.14's augmentation, through
/// <see cref="BatchPipeline"/>: once decoding every file (the cold path: JPEG decode, nearest resize, augmentation), once
/// from decoded images kept in memory (what a training epoch after the first sees).
/// </summary>
public static class PipelineBenchmark
{
    /// <param name="folder">A class-per-subfolder image folder; null writes <paramref name="syntheticImages"/> 500x375 JPEGs (the size of a typical Dogs-vs-Cats photo) to a temporary folder.</param>
    public static IReadOnlyList<PipelineTiming> Run(string? folder, int batchSize = 32, int batches = 20, int workers = 0, int prefetch = 2,
        int syntheticImages = 256, long seed = 1)
    {
        string? temp = null;
        try
        {
            if (folder is null)
            {
                temp = Directory.CreateTempSubdirectory("onnxtrainer-bench-").FullName;
                WriteSynthetic(temp, syntheticImages, seed, workers);
                folder = temp;
            }
            var options = new FolderOptions { TargetSize = (150, 150), ClassMode = ClassMode.Binary, Workers = workers, VerifyOnOpen = false, CacheLimitBytes = 0 };
            var cold = FolderSource.Open(folder, options);
            var warm = FolderSource.Open(folder, options with { VerifyOnOpen = true, CacheLimitBytes = 1L << 30 });
            return
            [
                Time("decode + resize + augment (listing 5.14)", cold, batchSize, batches, workers, prefetch, seed),
                Time("augment only (decoded images in memory)", warm, batchSize, batches, workers, prefetch, seed),
            ];
        }
        finally
        {
            if (temp is not null) Directory.Delete(temp, recursive: true);
        }
    }

    private static PipelineTiming Time(string what, FolderSource folder, int batchSize, int batches, int workers, int prefetch, long seed)
    {
        var source = new AugmentedSource(folder, AugmentOptions.Listing514, workers);
        var order = new BatchIterator(source.Count, batchSize, seed);
        IEnumerable<BatchRequest> Requests()
        {
            for (long step = 0; ; step++)
            {
                var b = order.BatchAt((int)(step / order.StepsPerEpoch), (int)(step % order.StepsPerEpoch));
                yield return new BatchRequest(b.Indices, seed * 1_000_003 + step);
            }
        }
        using (var warmup = new BatchPipeline(source, Requests(), batchSize, prefetch))
            foreach (var _ in warmup.Batches().Take(1)) { }
        long t0 = Stopwatch.GetTimestamp();
        int images = 0;
        using (var pipeline = new BatchPipeline(source, Requests(), batchSize, prefetch))
            foreach (var b in pipeline.Batches().Take(batches)) images += b.Count;
        return new PipelineTiming(what, images, Stopwatch.GetElapsedTime(t0).TotalSeconds, Workers.Resolve(workers), prefetch);
    }

    /// <summary>Two classes of smooth, lightly noisy 500x375 JPEG photos-to-be (decode cost like real photos).</summary>
    public static void WriteSynthetic(string dir, int count, long seed, int workers = 0)
    {
        const int h = 375, w = 500;
        foreach (var c in new[] { "cats", "dogs" }) Directory.CreateDirectory(Path.Combine(dir, c));
        Workers.For(count, workers, i =>
        {
            var rng = SeededRandom.For(seed, $"bench-image/{i}");
            var px = new byte[h * w * 3];
            double fx = 0.01 + 0.03 * rng.NextDouble(), fy = 0.01 + 0.03 * rng.NextDouble();
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int k = 0; k < 3; k++)
                        px[(y * w + x) * 3 + k] = (byte)Math.Clamp(128 + 90 * Math.Sin(fx * x * (k + 1) + fy * y) + 20 * (rng.NextDouble() - 0.5), 0, 255);
            ImageEncoder.Save(Path.Combine(dir, i % 2 == 0 ? "cats" : "dogs", $"{i:D5}.jpg"), px, h, w, 3, ImageFormat.Jpeg, 90);
        });
    }
}
