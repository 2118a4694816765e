namespace OnnxTrainer.Onnx;

/// <summary>
/// Element type and shape of a value. A dimension of <see cref="Batch"/> is the symbolic batch size "N";
/// <see cref="Unknown"/> is a dimension known only at run time.
/// </summary>
public sealed record TensorType(ElementType Elem, long[] Dims)
{
    public const long Batch = -1;
    public const long Unknown = -2;
    public const string BatchName = "N";

    public int Rank => Dims.Length;

    public bool IsStatic => Dims.All(d => d >= 0);

    public static TensorType Float(params long[] dims) => new(ElementType.Float, dims);

    public static TensorType Int64(params long[] dims) => new(ElementType.Int64, dims);

    /// <summary>Element count, with the batch dimension counted as one.</summary>
    public long ElementsPerExample => Dims.Where(d => d >= 0).Aggregate(1L, (a, d) => a * d);

    public TensorType WithDims(long[] dims) => this with { Dims = dims };

    public bool Equals(TensorType? other) =>
        other is not null && other.Elem == Elem && other.Dims.AsSpan().SequenceEqual(Dims);

    public override int GetHashCode() => HashCode.Combine(Elem, Dims.Length, Dims.Length > 0 ? Dims[^1] : 0);

    public static string FormatDim(long d) => d switch
    {
        Batch => BatchName,
        Unknown => "?",
        _ => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public string ShapeText => "[" + string.Join(",", Dims.Select(FormatDim)) + "]";

    public override string ToString() => $"{Elem.ShortName()}{ShapeText}";
}
