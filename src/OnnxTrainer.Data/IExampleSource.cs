namespace OnnxTrainer.Data;

/// <summary>Labelled images a trainer draws batches from.</summary>
public interface IExampleSource
{
    /// <summary>Examples in the source.</summary>
    int Count { get; }

    /// <summary>Shape of one example inside graphs: (C, H, W).</summary>
    long[] ExampleShape { get; }

    /// <summary>The class names, in class-index order.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Class index of example <paramref name="index"/>.</summary>
    int Label(int index);

    /// <summary>
    /// Writes the examples at <paramref name="indices"/> as NCHW floats holding raw pixel values 0..255 (RGB); the
    /// model's graph applies its own preprocessing.
    /// <paramref name="augmentSeed"/> is null for data that must not be augmented (validation, test).
    /// </summary>
    void FillImages(ReadOnlySpan<int> indices, Span<float> destination, long? augmentSeed);
}
