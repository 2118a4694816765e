using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Softmax and LogSoftmax along one axis.</summary>
internal static class Softmax
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Softmax", OpShapes.Same, SoftmaxGradient),
        Differentiable("LogSoftmax", OpShapes.Same, LogSoftmaxGradient),
    ];

    /// <summary>Y = softmax(X, axis): dX = Y*(dY - sum_axis(dY*Y)).</summary>
    private static IReadOnlyList<string?> SoftmaxGradient(GradientContext c)
    {
        string dot = c.Op("ReduceSum", [c.Mul(c.Dy, c.Y()), c.B.Ints(c.Axis())], GradientContext.A("keepdims", 1L));
        return [c.Mul(c.Y(), c.Sub(c.Dy, dot))];
    }

    /// <summary>Y = log softmax(X, axis): dX = dY - exp(Y)*sum_axis(dY).</summary>
    private static IReadOnlyList<string?> LogSoftmaxGradient(GradientContext c)
    {
        string total = c.Op("ReduceSum", [c.Dy, c.B.Ints(c.Axis())], GradientContext.A("keepdims", 1L));
        return [c.Sub(c.Dy, c.Mul(c.Op("Exp", c.Y()), total))];
    }
}
