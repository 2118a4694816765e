using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Dropout (ratio and training_mode as optional inputs), with its optional mask output.</summary>
internal static class Dropout
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Dropout", s => s.Node.Outputs.Count > 1 ? [s.In(0), s.In(0) with { Elem = ElementType.Bool }] : [s.In(0)], Gradient),
    ];

    /// <summary>
    /// Y = Dropout(X, ratio, training_mode) with its mask output: dX = dY*mask/(1-ratio) in training mode, dY otherwise.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        bool? training = !c.Has(2) ? false : c.B.Graph.FindInitializer(c.X(2))?.Data is bool[] { Length: 1 } t ? t[0] : null;
        if (training == false) return c.Each(() => c.Dy);                                   // inference: Y = X
        if (c.Node.Outputs.Count < 2 || c.Node.Outputs[1].Length == 0)
            throw c.Unsupported("training mode without the mask output (emit the mask: the gradient needs it)");
        string scale = c.Has(1) && c.ConstFloat(c.X(1)) is null
            ? c.Op("Reciprocal", c.Sub(c.Const(1f), c.X(1)))
            : c.Const(1f / (1f - (c.Has(1) ? c.ConstFloat(c.X(1))!.Value : 0.5f)));
        if (training is null) scale = c.Op("Where", c.X(2), scale, c.Const(1f));          // run-time mode: the mask is all true at inference
        return c.Each(() => c.Op("Where", c.Y(1), c.Mul(c.Dy, scale), c.Const(0f)));   // dX = mask ? dY/(1-ratio) : 0
    }
}
