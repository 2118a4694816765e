namespace OnnxTrainer.Runtime;

/// <summary>One class with its probability.</summary>
/// <param name="Index">The class index.</param>
/// <param name="Name">The class name from the model's metadata.</param>
/// <param name="Probability">The model's probability for the class.</param>
public sealed record ClassScore(int Index, string Name, float Probability);

/// <summary>A model's prediction for one image.</summary>
public sealed class Prediction
{
    private readonly ClassScore[] _ranked;

    internal Prediction(float[] outputs, ClassScore[] classes)
    {
        Outputs = outputs;
        Classes = classes;
        // highest probability first; ties keep class order (the first maximum wins, as argmax does)
        _ranked = classes.OrderByDescending(c => c.Probability).ThenBy(c => c.Index).ToArray();
    }

    /// <summary>The raw output for this image: probabilities (one for a sigmoid unit), or a base's features.</summary>
    public IReadOnlyList<float> Outputs { get; }

    /// <summary>Every class in class order with its probability (for a sigmoid unit: 1 - p and p); empty for a model without a classifier.</summary>
    public IReadOnlyList<ClassScore> Classes { get; }

    /// <summary>The predicted class: the most probable one (for a sigmoid unit, class 1 when p &gt; 0.5).</summary>
    /// <exception cref="InvalidOperationException">The model is not a classifier.</exception>
    public ClassScore Top => _ranked.Length > 0
        ? _ranked[0]
        : throw new InvalidOperationException("The model is not a classifier: its prediction is the raw output (Outputs), with no classes.");

    /// <summary>The <paramref name="k"/> most probable classes, most probable first (fewer when the model has fewer).</summary>
    public IReadOnlyList<ClassScore> TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return _ranked.Take(k).ToArray();
    }
}
