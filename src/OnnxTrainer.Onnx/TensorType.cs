namespace OnnxTrainer.Onnx;

/// <summary>
/// Element type and shape of a value. A dimension of <see cref="Batch"/> is the symbolic batch size "N";
/// <see cref="Unknown"/> is a dimension known only at run time.
/// </summary>
public sealed record TensorType(ElementType Elem, long[] Dims)
{
    /// <summary>The symbolic batch dimension, written "N" (an ONNX dim_param).</summary>
    public const long Batch = -1;
    /// <summary>A dimension known only at run time, written "?".</summary>
    public const long Unknown = -2;
    /// <summary>The dim_param name of <see cref="Batch"/> in saved models and text.</summary>
    public const string BatchName = "N";

    /// <summary>The number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>True when every dimension is a known size (neither <see cref="Batch"/> nor <see cref="Unknown"/>).</summary>
    public bool IsStatic => Dims.All(d => d >= 0);

    /// <summary>A float type of the given dims (<see cref="Batch"/> allowed).</summary>
    public static TensorType Float(params long[] dims) => new(ElementType.Float, dims);

    /// <summary>An int64 type of the given dims (<see cref="Batch"/> allowed).</summary>
    public static TensorType Int64(params long[] dims) => new(ElementType.Int64, dims);

    /// <summary>Element count per example: symbolic dimensions (the batch, unknown ones) count as one.</summary>
    public long ElementsPerExample => Dims.Where(d => d >= 0).Aggregate(1L, (a, d) => a * d);

    /// <summary>The same element type with other dims.</summary>
    public TensorType WithDims(long[] dims) => this with { Dims = dims };

    /// <summary>Equal when the element types and every dimension are equal (dims are compared by value).</summary>
    public bool Equals(TensorType? other) =>
        other is not null && other.Elem == Elem && other.Dims.AsSpan().SequenceEqual(Dims);

    /// <summary>A hash consistent with <see cref="Equals(TensorType?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Elem, Dims.Length, Dims.Length > 0 ? Dims[^1] : 0);

    /// <summary>A dimension as text: the number, "N" for <see cref="Batch"/>, "?" for <see cref="Unknown"/>.</summary>
    public static string FormatDim(long d) => d switch
    {
        Batch => BatchName,
        Unknown => "?",
        _ => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The dims as text, for example "[N,28,28,1]".</summary>
    public string ShapeText => "[" + string.Join(",", Dims.Select(FormatDim)) + "]";

    /// <summary>Element type and shape, for example "f32[N,10]".</summary>
    public override string ToString() => $"{Elem.ShortName()}{ShapeText}";
}
