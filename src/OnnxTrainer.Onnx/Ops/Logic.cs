using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Comparisons and boolean logic: Greater, Less, Equal, GreaterOrEqual, LessOrEqual, And, Or, Not.</summary>
internal static class Logic
{
    private const string BoolOutput = "bool output: nothing to differentiate";

    public static IEnumerable<OpRule> Rules =>
    [
        .. new[] { "Greater", "Less", "Equal", "GreaterOrEqual", "LessOrEqual", "And", "Or" }
            .Select(op => NoGradient(op, s => [OpShapes.Broadcast(s.Node, [s.In(0), s.In(1)], ElementType.Bool)], BoolOutput)),
        NoGradient("Not", OpShapes.Same, BoolOutput),
    ];
}
