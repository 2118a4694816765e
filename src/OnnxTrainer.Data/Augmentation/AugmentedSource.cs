using System.Buffers;
using OnnxTrainer.Data.Pipeline;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Data.Augmentation;

/// <summary>
/// Training data with <c>ImageDataGenerator</c>'s random transforms: fills from the inner source, then moves each image
/// through one combined affine transform (<see cref="RandomTransform"/>), on all cores. Image k of a batch draws from
/// <c>SeededRandom.For(augmentSeed, "augment/k")</c>: a stream of its own, separate from shuffling and dropout, and the
/// same whatever the thread count. With a null seed (validation, test) the images pass through unchanged.
/// </summary>
public sealed class AugmentedSource : IExampleSource
{
    public AugmentedSource(IExampleSource inner, AugmentOptions options, int workers = 0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        Inner = inner;
        Options = options;
        Workers = workers;
    }

    public IExampleSource Inner { get; }
    public AugmentOptions Options { get; }

    /// <summary>Threads that transform images (0: one per core).</summary>
    public int Workers { get; }

    public int Count => Inner.Count;
    public long[] ExampleShape => Inner.ExampleShape;
    public IReadOnlyList<string> ClassNames => Inner.ClassNames;
    public int Label(int index) => Inner.Label(index);

    /// <summary>The transform image <paramref name="position"/> of a batch filled with <paramref name="augmentSeed"/> gets.</summary>
    public RandomTransform TransformAt(long augmentSeed, int position)
    {
        var shape = ExampleShape;
        return RandomTransform.Draw(Options, SeededRandom.For(augmentSeed, $"augment/{position}"), (int)shape[1], (int)shape[2]);
    }

    public unsafe void FillImages(ReadOnlySpan<int> indices, Span<float> destination, long? augmentSeed)
    {
        Inner.FillImages(indices, destination, null);
        if (augmentSeed is not { } seed || Options.IsIdentity) return;
        var shape = ExampleShape;
        int channels = (int)shape[0], height = (int)shape[1], width = (int)shape[2];
        int per = channels * height * width;
        float cval = (float)Options.Cval;
        fixed (float* start = destination)
        {
            nint batch = (nint)start;
            Pipeline.Workers.For(indices.Length, Workers, k =>
            {
                var map = TransformAt(seed, k).ToAffine(height, width);
                if (map.IsIdentity) return;
                var image = new Span<float>((float*)batch + (long)k * per, per);
                float[] scratch = ArrayPool<float>.Shared.Rent(per);
                try
                {
                    image.CopyTo(scratch);
                    AffineWarp.Apply(scratch.AsSpan(0, per), image, channels, height, width, map, Options.FillMode, cval);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(scratch);
                }
            });
        }
    }
}
