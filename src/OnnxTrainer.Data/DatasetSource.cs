
namespace OnnxTrainer.Data;

/// <summary>An in-memory <see cref="ImageDataset"/> as training data: raw pixel values (0..255), never augmented.</summary>
public sealed class DatasetSource(ImageDataset dataset) : IExampleSource
{
    public ImageDataset Dataset { get; } = dataset;

    public int Count => Dataset.Count;

    public long[] ExampleShape => Dataset.Shape;

    public IReadOnlyList<string> ClassNames => Dataset.ClassNames;

    public int Label(int index) => Dataset.Labels[index];

    public void FillImages(ReadOnlySpan<int> indices, Span<float> destination, long? augmentSeed) =>
        Dataset.FillImages(indices, destination, scale: 1f);
}
