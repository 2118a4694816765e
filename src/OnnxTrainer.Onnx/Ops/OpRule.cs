namespace OnnxTrainer.Onnx.Ops;

/// <summary>
/// Output types of one node from its input types and constant inputs, or null when these inputs do not determine
/// them (for example a Reshape whose shape is computed at run time).
/// </summary>
public delegate TensorType[]? ShapeRule(ShapeContext s);

/// <summary>
/// Computes the input gradients of one forward node: returns one gradient value name per input of
/// <see cref="GradientContext.Node"/>, or null where the input gets none (not needed, or not differentiable).
/// A returned gradient may have the shape of the node's output where the input was broadcast; the walk reduces it.
/// </summary>
public delegate IReadOnlyList<string?> GradientRule(GradientContext c);

/// <summary>
/// Everything the project knows about one ONNX op: its shape rule and either its gradient rule or the reason it
/// carries none (integer or bool outputs, a piecewise-constant function).
/// </summary>
public sealed class OpRule
{
    private OpRule(string opType, ShapeRule shape, GradientRule? gradient, string? noGradientReason)
    {
        OpType = opType;
        Shape = shape;
        Gradient = gradient;
        NoGradientReason = noGradientReason;
    }

    public string OpType { get; }
    public ShapeRule Shape { get; }

    /// <summary>The gradient rule, or null when <see cref="NoGradientReason"/> says why there is none.</summary>
    public GradientRule? Gradient { get; }

    public string? NoGradientReason { get; }

    public static OpRule Differentiable(string opType, ShapeRule shape, GradientRule gradient) =>
        new(opType, shape ?? throw new ArgumentNullException(nameof(shape)), gradient ?? throw new ArgumentNullException(nameof(gradient)), null);

    public static OpRule NoGradient(string opType, ShapeRule shape, string reason) =>
        string.IsNullOrWhiteSpace(reason) ? throw new ArgumentException($"Op {opType}: say why it carries no gradient.", nameof(reason))
            : new(opType, shape ?? throw new ArgumentNullException(nameof(shape)), null, reason);

    public override string ToString() => Gradient is null ? $"{OpType} (no gradient: {NoGradientReason})" : OpType;
}

/// <summary>What a <see cref="ShapeRule"/> sees: the node, the graph, and helpers reading its inputs.</summary>
public readonly record struct ShapeContext(Node Node, Graph Graph)
{
    public TensorType In(int i) => Graph.TypeOf(Node.Inputs[i]);

    /// <summary>True when input i is given (not an omitted optional input).</summary>
    public bool Has(int i) => i < Node.Inputs.Count && Node.Inputs[i].Length > 0;

    /// <summary>Input i's int64 constant values, or null when absent or not a constant.</summary>
    public long[]? ConstInts(int i) => Has(i) ? Graph.FindInitializer(Node.Inputs[i])?.Data as long[] : null;

    /// <summary>The node's exception for inputs that do not fit the op.</summary>
    public InvalidOperationException Error(string what) => new($"{Node.OpType} node '{Node.Name}': {what}.");
}
