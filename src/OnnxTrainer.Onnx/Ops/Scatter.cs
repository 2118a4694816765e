using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>ScatterElements and ScatterND: X with updates written at integer positions (reduction none or add).</summary>
internal static class Scatter
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("ScatterElements", OpShapes.Same, c => Gradient(c, "GatherElements")),
        Differentiable("ScatterND", OpShapes.Same, c => Gradient(c, "GatherND")),
    ];

    /// <summary>
    /// Y = X with U written at the positions I: dX = dY with the written positions zeroed (reduction none) or dY (add);
    /// dU = dY gathered at I.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c, string gather)
    {
        string reduction = c.Node.Str("reduction", "none");
        if (reduction is not ("none" or "add")) throw c.Unsupported($"reduction '{reduction}'");
        var axis = c.Node.OpType == "ScatterElements" ? new[] { A("axis", c.Node.Int("axis", 0)) } : [];
        return c.Each(
            () => reduction == "add" ? c.Dy
                : c.Typed(c.Node.OpType, [c.Dy, c.X(1), c.ExpandLike(c.Const(0f), c.X(2))], c.InType(0), axis),
            () => null,                                                                               // indices: integer
            () => c.Typed(gather, [c.Dy, c.X(1)], c.InType(2), axis));
    }
}
