namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>Gradient rules of element-wise ops longer than one expression.</summary>
internal static class ElementwiseRules
{
    /// <summary>Y = A / B.</summary>
    public static IReadOnlyList<string?> Div(GradientContext c)
    {
        string? da = null;
        string DA() => da ??= c.Div(c.Dy, c.X(1));                  // dA = dY/B
        return c.Each(DA, () => c.Neg(c.Mul(DA(), c.Y())));        // dB = -dY*A/B^2 = -(dY/B)*Y
    }

    /// <summary>Y = A ^ E.</summary>
    public static IReadOnlyList<string?> Pow(GradientContext c) => c.Each(
        () => c.ConstFloat(c.X(1)) is { } e
            ? c.Mul(c.Dy, e == 2f ? c.Mul(c.X(0), c.Const(2f)) : c.Mul(c.Op("Pow", c.X(0), c.Const(e - 1f)), c.Const(e))) // dA = dY*e*A^(e-1)
            : c.Mul(c.Dy, c.Mul(c.X(1), c.Op("Pow", c.X(0), c.Sub(c.X(1), c.Const(1f))))),
        () => c.Mul(c.Dy, c.Mul(c.Y(), c.Op("Log", c.X(0)))));      // dE = dY*Y*log(A)

    /// <summary>
    /// Y = max(X0, X1, ...) (or min): dY goes to the first input equal to Y, so a tie does not duplicate it.
    /// dX0 = dY*(X0==Y), then each later input gets what is left.
    /// </summary>
    public static IReadOnlyList<string?> MaxMin(GradientContext c)
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

    /// <summary>Y = softmax(X, axis): dX = Y*(dY - sum_axis(dY*Y)).</summary>
    public static IReadOnlyList<string?> Softmax(GradientContext c)
    {
        string dot = c.Op("ReduceSum", [c.Mul(c.Dy, c.Y()), c.B.Ints(c.Axis())], GradientContext.A("keepdims", 1L));
        return [c.Mul(c.Y(), c.Sub(c.Dy, dot))];
    }

    /// <summary>Y = log softmax(X, axis): dX = dY - exp(Y)*sum_axis(dY).</summary>
    public static IReadOnlyList<string?> LogSoftmax(GradientContext c)
    {
        string total = c.Op("ReduceSum", [c.Dy, c.B.Ints(c.Axis())], GradientContext.A("keepdims", 1L));
        return [c.Sub(c.Dy, c.Mul(c.Op("Exp", c.Y()), total))];
    }
}
