using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>
/// Element-wise arithmetic with numpy broadcasting: Add, Sub, Mul, Div, Pow, Sum, Mean, Max, Min, Where. Gradients
/// of broadcast inputs are returned at the output's shape; the walk sums them back.
/// </summary>
internal static class Arithmetic
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Add", Broadcast, c => c.Each(() => c.Dy, () => c.Dy)),                                  // dA = dY, dB = dY
        Differentiable("Sub", Broadcast, c => c.Each(() => c.Dy, () => c.Neg(c.Dy))),                           // dA = dY, dB = -dY
        Differentiable("Mul", Broadcast, c => c.Each(() => c.Mul(c.Dy, c.X(1)), () => c.Mul(c.Dy, c.X(0)))),   // dA = dY*B, dB = dY*A
        Differentiable("Div", Broadcast, Div),
        Differentiable("Pow", Broadcast, Pow),
        Differentiable("Sum", Broadcast, c => c.Each(Enumerable.Repeat(() => (string?)c.Dy, c.Node.Inputs.Count).ToArray())), // dXi = dY
        Differentiable("Mean", Broadcast, Mean),
        Differentiable("Max", Broadcast, MaxMin),
        Differentiable("Min", Broadcast, MaxMin),
        Differentiable("Where", s => [OpShapes.Broadcast(s.Node, [s.In(0), s.In(1), s.In(2)], s.In(1).Elem)],
            c => c.Each(() => null,                                                                               // condition: none
                () => c.Op("Where", c.X(0), c.Dy, c.Const(0f)),                                                   // dA = cond ? dY : 0
                () => c.Op("Where", c.X(0), c.Const(0f), c.Dy))),                                                 // dB = cond ? 0 : dY
    ];

    private static TensorType[]? Broadcast(ShapeContext s) =>
        [OpShapes.Broadcast(s.Node, s.Node.Inputs.Select(s.Graph.TypeOf).ToArray(), s.In(0).Elem)];

    /// <summary>Y = A / B.</summary>
    private static IReadOnlyList<string?> Div(GradientContext c)
    {
        string? da = null;
        string DA() => da ??= c.Div(c.Dy, c.X(1));                  // dA = dY/B
        return c.Each(DA, () => c.Neg(c.Mul(DA(), c.Y())));        // dB = -dY*A/B^2 = -(dY/B)*Y
    }

    /// <summary>Y = A ^ E.</summary>
    private static IReadOnlyList<string?> Pow(GradientContext c) => c.Each(
        () => c.ConstFloat(c.X(1)) is { } e
            ? c.Mul(c.Dy, e == 2f ? c.Mul(c.X(0), c.Const(2f)) : c.Mul(c.Op("Pow", c.X(0), c.Const(e - 1f)), c.Const(e))) // dA = dY*e*A^(e-1)
            : c.Mul(c.Dy, c.Mul(c.X(1), c.Op("Pow", c.X(0), c.Sub(c.X(1), c.Const(1f))))),
        () => c.Mul(c.Dy, c.Mul(c.Y(), c.Op("Log", c.X(0)))));      // dE = dY*Y*log(A)

    /// <summary>Y = (X0 + ... + Xn-1)/n: dXi = dY/n.</summary>
    private static IReadOnlyList<string?> Mean(GradientContext c)
    {
        string? share = null;
        string Share() => share ??= c.Mul(c.Dy, c.Const(1f / c.Node.Inputs.Count));
        return c.Each(Enumerable.Repeat(() => (string?)Share(), c.Node.Inputs.Count).ToArray());
    }

    /// <summary>
    /// Y = max(X0, X1, ...) (or min): dY goes to the first input equal to Y, so a tie does not duplicate it.
    /// dX0 = dY*(X0==Y), then each later input gets what is left.
    /// </summary>
    private static IReadOnlyList<string?> MaxMin(GradientContext c)
    {
        int n = c.Node.Inputs.Count;
        int last = Enumerable.Range(0, n).Last(c.Need);
        var grads = new string?[n];
        string rest = c.Dy;
        for (int i = 0; i < last; i++)
        {
            string gi = c.Op("Where", c.Op("Equal", c.X(i), c.Y()), rest, c.Const(0f));
            if (c.Need(i)) grads[i] = gi;
            rest = c.Sub(rest, gi);
        }
        grads[last] = last == n - 1 ? rest : c.Op("Where", c.Op("Equal", c.X(last), c.Y()), rest, c.Const(0f));
        return grads;
    }
}
