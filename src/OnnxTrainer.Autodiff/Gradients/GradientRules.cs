namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>
/// The gradient rules: one row per primitive op, keyed by ONNX op type. dY is the gradient of the node's output,
/// dX the gradient of its input; gradients of broadcast inputs are reduced by the walk. Rules longer than one
/// expression are named methods in the sibling files (ElementwiseRules, ShapeRules, ConvRules, PoolRules, TrainingOpRules).
/// </summary>
public static class GradientRules
{
    public static IReadOnlyDictionary<string, GradientRule> Table { get; } = new Dictionary<string, GradientRule>(StringComparer.Ordinal)
    {
        // ---- element-wise arithmetic (broadcasting) ----
        ["Add"] = c => c.Each(() => c.Dy, () => c.Dy),                                  // dA = dY, dB = dY
        ["Sub"] = c => c.Each(() => c.Dy, () => c.Neg(c.Dy)),                           // dA = dY, dB = -dY
        ["Mul"] = c => c.Each(() => c.Mul(c.Dy, c.X(1)), () => c.Mul(c.Dy, c.X(0))),   // dA = dY*B, dB = dY*A
        ["Div"] = ElementwiseRules.Div,
        ["Pow"] = ElementwiseRules.Pow,
        ["Sum"] = c => c.Each(Enumerable.Repeat(() => (string?)c.Dy, c.Node.Inputs.Count).ToArray()), // dXi = dY
        ["Max"] = ElementwiseRules.MaxMin,
        ["Min"] = ElementwiseRules.MaxMin,
        ["Where"] = c => c.Each(() => null,                                             // condition: none
            () => c.Op("Where", c.X(0), c.Dy, c.Const(0f)),                             // dA = cond ? dY : 0
            () => c.Op("Where", c.X(0), c.Const(0f), c.Dy)),                            // dB = cond ? 0 : dY

        // ---- element-wise functions ----
        ["Neg"] = c => [c.Neg(c.Dy)],                                                   // dX = -dY
        ["Abs"] = c => [c.Mul(c.Dy, c.Op("Sign", c.X(0)))],                             // dX = dY*sign(X), 0 at X=0
        ["Exp"] = c => [c.Mul(c.Dy, c.Y())],                                            // dX = dY*Y
        ["Log"] = c => [c.Div(c.Dy, c.X(0))],                                           // dX = dY/X
        ["Sqrt"] = c => [c.Div(c.Mul(c.Dy, c.Const(0.5f)), c.Y())],                    // dX = dY/(2Y)
        ["Reciprocal"] = c => [c.Mul(c.Neg(c.Dy), c.Mul(c.Y(), c.Y()))],               // dX = -dY*Y^2
        ["Relu"] = c => [c.Mul(c.Dy, c.AsFloat(c.Op("Greater", c.Y(), c.Const(0f))))],    // dX = dY*(Y > 0), exactly 0 where X <= 0
        ["Sigmoid"] = c => [c.Mul(c.Dy, c.Mul(c.Y(), c.Sub(c.Const(1f), c.Y())))],     // dX = dY*Y*(1-Y)
        ["Tanh"] = c => [c.Mul(c.Dy, c.Sub(c.Const(1f), c.Mul(c.Y(), c.Y())))],        // dX = dY*(1-Y^2)
        ["Softmax"] = ElementwiseRules.Softmax,
        ["LogSoftmax"] = ElementwiseRules.LogSoftmax,
        ["Identity"] = c => [c.Dy],                                                     // dX = dY
        ["Cast"] = c => [c.Dy],                                                         // float to float only: other casts carry no gradient
        ["Dropout"] = TrainingOpRules.Dropout,

        // ---- shapes and reductions ----
        ["Flatten"] = c => c.Each(() => c.ReshapeLike(c.Dy, c.X(0))),                   // dX = reshape(dY, shape(X))
        ["Reshape"] = c => c.Each(() => c.ReshapeLike(c.Dy, c.X(0))),
        ["Squeeze"] = c => c.Each(() => c.ReshapeLike(c.Dy, c.X(0))),
        ["Unsqueeze"] = c => c.Each(() => c.ReshapeLike(c.Dy, c.X(0))),
        ["Transpose"] = ShapeRules.Transpose,
        ["ReduceSum"] = ShapeRules.ReduceSum,
        ["ReduceMean"] = ShapeRules.ReduceSum,
        ["ReduceMax"] = ShapeRules.ReduceMax,
        ["ReduceMin"] = ShapeRules.ReduceMax,
        ["GlobalAveragePool"] = c => [c.ExpandLike(c.Div(c.Dy, c.Const(c.InType(0).Dims[2..].Aggregate(1L, (a, d) => a * d))), c.X(0))], // dX = dY/(H*W) spread

        // ---- layers ----
        ["Gemm"] = ConvRules.Gemm,
        ["MatMul"] = ConvRules.MatMul,
        ["Conv"] = ConvRules.Conv,
        ["MaxPool"] = PoolRules.MaxPool,
        ["AveragePool"] = PoolRules.AveragePool,
        ["BatchNormalization"] = TrainingOpRules.BatchNormalizationInference,
        ["SoftmaxCrossEntropyLoss"] = TrainingOpRules.SoftmaxCrossEntropy,

        // ---- piecewise constant: zero gradient ----
        ["Sign"] = c => c.None(),
        ["Floor"] = c => c.None(),
        ["Ceil"] = c => c.None(),
        ["Round"] = c => c.None(),
        // Ops with integer or bool outputs (Equal, Greater, Less, Not, And, Or, Shape, Size, ArgMax, ArgMin, OneHot)
        // never carry a gradient: the walk does not visit them.
    };
}
