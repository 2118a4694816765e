using OnnxTrainer.Onnx;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Losses;

/// <summary>
/// Keras accuracy metrics as graphs (not differentiated). Each returns the batch mean as a float scalar []
/// named "&lt;scope&gt;/&lt;keras name&gt;".
/// </summary>
public static class Metrics
{
    /// <summary>Keras binary_accuracy: mean of [(p &gt; 0.5) == y] for probabilities p and float 0/1 targets of the same shape.</summary>
    /// <exception cref="ArgumentException">The output or target is not float, or their shapes differ.</exception>
    public static string BinaryAccuracy(GraphBuilder b, string output, string target)
    {
        ArgumentNullException.ThrowIfNull(b);
        const string name = "binary_accuracy";
        var o = b.TypeOf(output);
        var t = b.TypeOf(target);
        if (o.Elem != ElementType.Float || t.Elem != ElementType.Float || !o.Dims.AsSpan().SequenceEqual(t.Dims))
            throw new ArgumentException(
                $"{name}: output '{output}' is {o} and target '{target}' is {t}; both must be float of the same shape.", nameof(target));
        using var scope = Naming.Reserve(b, name, out string value);
        // predicted class = 1 if p > 0.5 (so p = 0.5 counts as class 0, as in Keras), compared with the target
        string predicted = b.Op("Cast", [b.Op("Greater", [output, b.Const(0.5f)])], null, A("to", (long)ElementType.Float));
        return Mean(b, b.Op("Equal", [predicted, target]), value);
    }

    /// <summary>
    /// Keras categorical / sparse_categorical accuracy: mean of [argmax_k output == argmax_k target] for one-hot float
    /// targets of the output's shape, or [argmax_k output == target] for int64 (or int32) class indices [N] or [N,1].
    /// Ties in the output go to the first (lowest) index, as numpy/TF argmax.
    /// </summary>
    /// <exception cref="ArgumentException">The output is not float [N,K], or the target is neither of its shape nor integer class indices.</exception>
    public static string CategoricalAccuracy(GraphBuilder b, string output, string target)
    {
        ArgumentNullException.ThrowIfNull(b);
        const string name = "categorical_accuracy";
        var o = b.TypeOf(output);
        var t = b.TypeOf(target);
        if (o.Elem != ElementType.Float || o.Rank < 1)
            throw new ArgumentException($"{name}: output '{output}' must be float [N,K], got {o}.", nameof(output));
        var batchDims = o.Dims[..^1];
        bool oneHot = t.Elem == ElementType.Float && t.Dims.AsSpan().SequenceEqual(o.Dims);
        bool indices = t.Elem is ElementType.Int64 or ElementType.Int32;
        bool flat = indices && t.Dims.AsSpan().SequenceEqual(batchDims);
        bool column = indices && t.Dims.AsSpan().SequenceEqual([.. batchDims, 1]);
        if (!oneHot && !flat && !column)
            throw new ArgumentException(
                $"{name}: target '{target}' is {t} for output '{output}' {o}; expected one-hot float {o.ShapeText} " +
                $"or int64 class indices {new TensorType(ElementType.Int64, batchDims).ShapeText}.", nameof(target));
        using var scope = Naming.Reserve(b, name, out string value);
        string predicted = b.Op("ArgMax", [output], null, A("axis", -1L), A("keepdims", 0L));
        string expected = target;
        if (oneHot) expected = b.Op("ArgMax", [target], null, A("axis", -1L), A("keepdims", 0L));
        else
        {
            if (column) expected = b.Op("Squeeze", [expected, b.Ints(-1)]);
            if (t.Elem == ElementType.Int32) expected = b.Op("Cast", [expected], null, A("to", (long)ElementType.Int64));
        }
        return Mean(b, b.Op("Equal", [predicted, expected]), value);
    }

    private static string Mean(GraphBuilder b, string hits, string value) =>
        b.Op("ReduceMean", [b.Op("Cast", [hits], null, A("to", (long)ElementType.Float))], value, A("keepdims", 0L));
}
