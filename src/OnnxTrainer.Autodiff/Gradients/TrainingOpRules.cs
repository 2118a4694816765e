using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Gradients.GradientContext;

namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>Gradient rules of the ONNX ops with a training meaning: Dropout, BatchNormalization, SoftmaxCrossEntropyLoss.</summary>
internal static class TrainingOpRules
{
    /// <summary>
    /// Y = Dropout(X, ratio, training_mode) with its mask output: dX = dY*mask/(1-ratio) in training mode, dY otherwise.
    /// </summary>
    public static IReadOnlyList<string?> Dropout(GradientContext c)
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

    /// <summary>
    /// Inference-form BatchNormalization, Y = (X - mean)*s + beta with s = scale/sqrt(var + eps) per channel:
    /// dX = dY*s, dscale = sum(dY*(X-mean))/sqrt(var+eps), dbeta = sum(dY), dmean = -sum(dY)*s,
    /// dvar = -0.5*sum(dY*(X-mean))*scale*(var+eps)^-1.5; sums over all axes but the channel axis 1.
    /// </summary>
    public static IReadOnlyList<string?> BatchNormalizationInference(GradientContext c)
    {
        if (c.Node.Int("training_mode", 0) != 0 || c.Node.Outputs.Count > 1)
            throw c.Unsupported("training_mode 1 (differentiate the batch-statistics form composed of primitives instead)");
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

    /// <summary>
    /// SoftmaxCrossEntropyLoss(scores [N, C], labels [N]) without weights or ignore_index:
    /// dScores = (softmax(scores) - onehot(labels))*dLoss/N (mean), *dLoss (sum), *dLoss[n] (none);
    /// a gradient reaching the log_prob output adds dLogProb - softmax*sum_c(dLogProb).
    /// </summary>
    public static IReadOnlyList<string?> SoftmaxCrossEntropy(GradientContext c)
    {
        var scores = c.InType(0);
        if (scores.Rank != 2) throw c.Unsupported($"scores {scores.ShapeText} (only [N, C])");
        if (c.Has(2)) throw c.Unsupported("class weights");
        if (c.Node.Has("ignore_index")) throw c.Unsupported("ignore_index");
        string? dLoss = c.OutputGrads[0];
        string? dLogProb = c.OutputGrads.Count > 1 ? c.OutputGrads[1] : null;
        string logProb = c.Node.Outputs.Count > 1 && c.Node.Outputs[1].Length > 0 ? c.Y(1) : c.Op("LogSoftmax", [c.X(0)], A("axis", 1L));
        string p = c.Op("Exp", logProb);
        var parts = new List<string>();
        if (dLoss is not null)
        {
            string oneHot = c.Op("OneHot", c.X(1), c.B.Ints(scores.Dims[1]), c.B.Floats(c.B.Prefixed("off_on"), [0f, 1f], 2));
            string diff = c.Sub(p, oneHot);
            parts.Add(c.Node.Str("reduction", "mean") switch
            {
                "mean" => c.Mul(diff, c.Div(dLoss, c.CountOf(c.X(1)))),
                "sum" => c.Mul(diff, dLoss),
                "none" => c.Mul(diff, c.Op("Unsqueeze", dLoss, c.B.Ints(1))),
                var r => throw c.Unsupported($"reduction '{r}'"),
            });
        }
        if (dLogProb is not null)
            parts.Add(c.Sub(dLogProb, c.Mul(p, c.Op("ReduceSum", [dLogProb, c.B.Ints(1)], A("keepdims", 1L)))));
        return c.Each(() => parts.Count == 1 ? parts[0] : c.Add(parts[0], parts[1]));
    }
}
