using System.CommandLine;
using System.Globalization;
using OnnxTrainer.Runtime;
using OnnxTrainer.Training.Bench;

namespace OnnxTrainer.Cli.Commands.Bench;

/// <summary>
/// onnx-trainer bench predict MODEL.onnx [--batch-size N] [--repeats N]: single-image latency (median ms) and batch
/// throughput (images/s) of the runtime library, from decoded images at the model's input size (tensor fill included).
/// </summary>
public static class PredictBenchCommand
{
    public static Command Create()
    {
        var model = new RuntimeModelOptions();
        var batch = new Option<int>("--batch-size") { Description = "Images per call for the throughput. Default 32.", HelpName = "N", DefaultValueFactory = _ => 32, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--batch-size", 1, 4096) ?? 32) };
        var repeats = new Option<int>("--repeats") { Description = "Timed calls after 3 warm-up calls. Default 20.", HelpName = "N", DefaultValueFactory = _ => 20, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--repeats", 1, 100000) ?? 20) };
        var command = new Command("predict", "Single-image predict latency and batch throughput of an exported model (runtime library).");
        model.AddTo(command);
        command.Add(batch);
        command.Add(repeats);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(batch), r = parse.GetValue(repeats);
            using var m = model.Load(parse, maxBatchSize: n);
            var images = Enumerable.Range(0, n).Select(i => BenchImages.Picture(m.Info.Width, m.Info.Height, i)).ToList();
            try
            {
                double single = BenchImages.MedianMs(() => m.Predict(images[0]), r);
                double batched = BenchImages.MedianMs(() => m.PredictBatch(images), Math.Max(3, r / 4));
                parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Info.Name} {m.Info.Width}x{m.Info.Height}: predict 1 image {single:0.00} ms (median of {r}); batch {n}: {batched:0.0} ms, {n * 1000 / batched:0.0} images/s; threads {(parse.GetValue(model.Threads) is 0 ? Environment.ProcessorCount : parse.GetValue(model.Threads))}"));
            }
            finally
            {
                foreach (var i in images) i.Dispose();
            }
            return 0;
        });
        return command;
    }
}

/// <summary>Shared by the runtime benchmarks: synthetic pictures and a median timer.</summary>
internal static class BenchImages
{
    public static SkiaSharp.SKBitmap Picture(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(width, height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
        var px = bitmap.GetPixelSpan();
        rng.NextBytes(px);
        for (int i = 3; i < px.Length; i += 4) px[i] = 255;
        return bitmap;
    }

    /// <summary>Median wall time in ms of <paramref name="repeats"/> calls after 3 warm-up calls.</summary>
    public static double MedianMs(Action call, int repeats) => MedianTimer.Measure(_ => call(), warmup: 3, repeats).MedianMs;
}
