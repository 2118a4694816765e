namespace OnnxTrainer.Onnx.Ops;

/// <summary>
/// The supported ONNX ops, one <see cref="OpRule"/> each (shape rule + gradient rule, or the reason for none).
/// Each op's rules live in the file named after it, or after its small family:
/// Arithmetic.cs (Add Sub Mul Div Pow Sum Mean Max Min Where), MathFunctions.cs (Neg Abs Exp Log Sqrt Reciprocal Identity
/// Cast; Sign Floor Ceil Round), Activations.cs (Relu Sigmoid Tanh Clip HardSigmoid HardSwish), Softmax.cs (Softmax
/// LogSoftmax), Logic.cs (comparisons, And Or Not), Reshape.cs (Flatten Reshape Squeeze Unsqueeze), Reduce.cs (Reduce*),
/// ShapeOf.cs (Shape Size), Indices.cs (ArgMax ArgMin OneHot), Gather.cs (Gather GatherElements), Scatter.cs
/// (ScatterElements ScatterND), GlobalPool.cs (GlobalAveragePool GlobalMaxPool); every other op has its own file.
/// </summary>
public static class OpRegistry
{
    private static readonly IEnumerable<OpRule>[] Families =
    [
        Arithmetic.Rules, MathFunctions.Rules, Activations.Rules, Softmax.Rules, Logic.Rules,
        Reshape.Rules, Transpose.Rules, Reduce.Rules, Expand.Rules, ShapeOf.Rules, Concat.Rules, Slice.Rules, Split.Rules,
        Pad.Rules, Gather.Rules, Scatter.Rules, Indices.Rules, CumSum.Rules,
        Gemm.Rules, MatMul.Rules, Conv.Rules, ConvTranspose.Rules, MaxPool.Rules, AveragePool.Rules, GlobalPool.Rules,
        BatchNormalization.Rules, Dropout.Rules, SoftmaxCrossEntropyLoss.Rules,
    ];

    /// <summary>Every rule by op type.</summary>
    public static IReadOnlyDictionary<string, OpRule> Rules { get; } = Build();

    /// <summary>The rule of <paramref name="opType"/>, or null when the op is not supported.</summary>
    public static OpRule? Find(string opType) => Rules.TryGetValue(opType, out var r) ? r : null;

    private static Dictionary<string, OpRule> Build()
    {
        var rules = new Dictionary<string, OpRule>(StringComparer.Ordinal);
        foreach (var r in Families.SelectMany(f => f))
            if (!rules.TryAdd(r.OpType, r))
                throw new InvalidOperationException($"Op {r.OpType} is registered twice.");
        return rules;
    }
}
