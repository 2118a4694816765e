using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>
/// BatchNormalization. The inference form (moving statistics) has a gradient rule here; the training form (batch
/// statistics) is rewritten into primitives by the batch-normalization pass before gradients are taken.
/// </summary>
internal static class BatchNormalization
{
    public static IEnumerable<OpRule> Rules => [Differentiable("BatchNormalization", Shape, Inference)];

    /// <summary>Y like X; the training form's running_mean and running_var outputs like the mean and var inputs.</summary>
    private static TensorType[]? Shape(ShapeContext s) => new[] { s.In(0), s.In(3), s.In(4) }.Take(s.Node.Outputs.Count).ToArray();

    /// <summary>
    /// Inference-form BatchNormalization, Y = (X - mean)*s + beta with s = scale/sqrt(var + eps) per channel:
    /// dX = dY*s, dscale = sum(dY*(X-mean))/sqrt(var+eps), dbeta = sum(dY), dmean = -sum(dY)*s,
    /// dvar = -0.5*sum(dY*(X-mean))*scale*(var+eps)^-1.5; sums over all axes but the channel axis 1.
    /// </summary>
    private static IReadOnlyList<string?> Inference(GradientContext c)
    {
        if (c.Node.Int("training_mode", 0) != 0 || c.Node.Outputs.Count > 1)
            throw c.Unsupported("training_mode 1 (rewrite it into batch statistics with the BatchNormTraining pass first)");
        var x = c.InType(0);
        long ch = x.Dims[1];
        string axes = c.B.Ints([0, .. Enumerable.Range(2, x.Rank - 2).Select(i => (long)i)]);
        string shape = c.B.Ints([1, ch, .. Enumerable.Repeat(1L, x.Rank - 2)]);
        string Bc(string v) => c.Op("Reshape", v, shape);                                   // [C] -> [1, C, 1, ...]
        string SumC(string v) => c.Op("ReduceSum", [v, axes], A("keepdims", 0L));          // [N, C, ...] -> [C]
        string invStd = c.Op("Reciprocal", c.Op("Sqrt", c.Add(c.X(4), c.Const(c.Node.Float("epsilon", 1e-5f)))));
        string? s = null, sumDy = null, sumDyXc = null;
        string S() => s ??= c.Mul(c.X(1), invStd);
        string SumDy() => sumDy ??= SumC(c.Dy);
        string SumDyXc() => sumDyXc ??= SumC(c.Mul(c.Dy, c.Sub(c.X(0), Bc(c.X(3)))));
        return c.Each(
            () => c.Mul(c.Dy, Bc(S())),
            () => c.Mul(SumDyXc(), invStd),
            SumDy,
            () => c.Neg(c.Mul(SumDy(), S())),
            () => c.Mul(c.Mul(SumDyXc(), c.X(1)), c.Mul(c.Const(-0.5f), c.Mul(invStd, c.Mul(invStd, invStd)))));
    }
}
