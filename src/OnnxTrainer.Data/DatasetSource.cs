
namespace OnnxTrainer.Data;

/// <summary>An in-memory <see cref="ImageDataset"/> as training data: raw pixel values (0..255), never augmented.</summary>
public sealed class DatasetSource(ImageDataset dataset) : IExampleSource
{
    /// <summary>The images and labels served.</summary>
    public ImageDataset Dataset { get; } = dataset;

    /// <inheritdoc/>
    public int Count => Dataset.Count;

    /// <inheritdoc/>
    public long[] ExampleShape => Dataset.Shape;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => Dataset.ClassNames;

    /// <inheritdoc/>
    public int Label(int index) => Dataset.Labels[index];

    /// <inheritdoc/>
    public void FillImages(ReadOnlySpan<int> indices, Span<float> destination, long? augmentSeed) =>
        Dataset.FillImages(indices, destination, scale: 1f);
}
