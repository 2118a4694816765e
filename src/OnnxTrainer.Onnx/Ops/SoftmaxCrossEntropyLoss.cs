using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>SoftmaxCrossEntropyLoss over [N, C] scores and [N] labels, with its optional log_prob output.</summary>
internal static class SoftmaxCrossEntropyLoss
{
    public static IEnumerable<OpRule> Rules => [Differentiable("SoftmaxCrossEntropyLoss", Shape, Gradient)];

    private static TensorType[]? Shape(ShapeContext s)
    {
        var loss = s.Node.Str("reduction", "mean") == "none" ? s.In(0).WithDims([s.In(0).Dims[0]]) : s.In(0).WithDims([]);
        return s.Node.Outputs.Count > 1 ? [loss, s.In(0)] : [loss];
    }

    /// <summary>
    /// SoftmaxCrossEntropyLoss(scores [N, C], labels [N]) without weights or ignore_index:
    /// dScores = (softmax(scores) - onehot(labels))*dLoss/N (mean), *dLoss (sum), *dLoss[n] (none);
    /// a gradient reaching the log_prob output adds dLogProb - softmax*sum_c(dLogProb).
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
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
