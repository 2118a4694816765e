using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>CumSum along a constant axis.</summary>
internal static class CumSum
{
    public static IEnumerable<OpRule> Rules => [Differentiable("CumSum", OpShapes.Same, Gradient)];

    /// <summary>Y[i] = sum of X[j] for j &lt;= i (exclusive: j &lt; i; reverse: j &gt;= i): dX = the same sum of dY in the other direction.</summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c) => c.Each(
        () => c.Op("CumSum", [c.Dy, c.X(1)], A("exclusive", c.Node.Int("exclusive", 0)), A("reverse", 1 - c.Node.Int("reverse", 0))),
        () => null);   // axis: integer
}
