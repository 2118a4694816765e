using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Shape and Size: a value's dims or element count.</summary>
internal static class ShapeOf
{
    private const string IntegerOutput = "int64 output: depends on the shape, not on the values";

    public static IEnumerable<OpRule> Rules =>
    [
        NoGradient("Shape", s => [TensorType.Int64(s.In(0).Rank)], IntegerOutput),
        NoGradient("Size", s => [TensorType.Int64()], IntegerOutput),
    ];
}
