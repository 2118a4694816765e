using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>
/// Activations: Relu, Sigmoid, Tanh, Clip (ReLU6), HardSigmoid, HardSwish. At a kink the derivative is that of the
/// flat or outer piece (Relu at 0 gives 0; Clip at its bounds gives 0 to X; HardSwish at -3 gives 0 and at 3 gives 1),
/// as PyTorch's relu, relu6/hardtanh and hardsigmoid do.
/// </summary>
internal static class Activations
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Relu", OpShapes.Same, c => [c.Mul(c.Dy, c.AsFloat(c.Op("Greater", c.Y(), c.Const(0f))))]),    // dX = dY*(Y > 0), exactly 0 where X <= 0
        Differentiable("Sigmoid", OpShapes.Same, c => [c.Mul(c.Dy, c.Mul(c.Y(), c.Sub(c.Const(1f), c.Y())))]),       // dX = dY*Y*(1-Y)
        Differentiable("Tanh", OpShapes.Same, c => [c.Mul(c.Dy, c.Sub(c.Const(1f), c.Mul(c.Y(), c.Y())))]),          // dX = dY*(1-Y^2)
        Differentiable("Clip", OpShapes.Same, Clip),
        Differentiable("HardSigmoid", OpShapes.Same, HardSigmoid),
        Differentiable("HardSwish", OpShapes.Same, HardSwish),
    ];

    /// <summary>
    /// Y = min(max(X, lo), hi) with lo, hi optional inputs (or the attributes min/max of opset &lt; 11):
    /// dX = dY where lo &lt; X &lt; hi, dlo = dY where X &lt;= lo, dhi = dY where X &gt;= hi; each element's dY goes to exactly one.
    /// </summary>
    private static IReadOnlyList<string?> Clip(GradientContext c)
    {
        string? lo = c.Has(1) ? c.X(1) : c.Node.Has("min") ? c.Const(c.Node.Float("min", 0f)) : null;
        string? hi = c.Has(2) ? c.X(2) : c.Node.Has("max") ? c.Const(c.Node.Float("max", 0f)) : null;
        string? below = lo is null ? null : c.Op("LessOrEqual", c.X(0), lo);
        string? above = hi is null ? null : c.Op("GreaterOrEqual", c.X(0), hi);
        string? outside = below is null ? above : above is null ? below : c.Op("Or", below, above);
        return c.Each(
            () => outside is null ? c.Dy : c.Op("Where", outside, c.Const(0f), c.Dy),
            () => c.Op("Where", below!, c.Dy, c.Const(0f)),
            () => c.Op("Where", above!, c.Dy, c.Const(0f)));
    }

    /// <summary>Y = max(0, min(1, alpha*X + beta)): dX = dY*alpha where 0 &lt; Y &lt; 1, else 0.</summary>
    private static IReadOnlyList<string?> HardSigmoid(GradientContext c)
    {
        float alpha = c.Node.Float("alpha", 0.2f);
        string linear = c.Op("And", c.Op("Greater", c.Y(), c.Const(0f)), c.Op("Less", c.Y(), c.Const(1f)));
        return [c.Op("Where", linear, c.Mul(c.Dy, c.Const(alpha)), c.Const(0f))];
    }

    /// <summary>
    /// Y = X*h(X), h = HardSigmoid(X; 1/6, 1/2): dX = dY*(h + X/6 where 0 &lt; h &lt; 1), so 0 below -3, X/3 + 1/2 between, 1 from 3.
    /// </summary>
    private static IReadOnlyList<string?> HardSwish(GradientContext c)
    {
        string h = c.Op("HardSigmoid", [c.X(0)], A("alpha", 1f / 6), A("beta", 0.5f));
        string linear = c.Op("And", c.Op("Greater", h, c.Const(0f)), c.Op("Less", h, c.Const(1f)));
        string slope = c.Add(h, c.Op("Where", linear, c.Mul(c.X(0), c.Const(1f / 6)), c.Const(0f)));
        return [c.Mul(c.Dy, slope)];
    }
}
