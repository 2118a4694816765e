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

    /// <summary>The ONNX op type (default domain), for example "Conv".</summary>
    public string OpType { get; }
    /// <summary>Infers the op's output types from its input types and constant inputs.</summary>
    public ShapeRule Shape { get; }

    /// <summary>The gradient rule, or null when <see cref="NoGradientReason"/> says why there is none.</summary>
    public GradientRule? Gradient { get; }

    /// <summary>Why the op carries no gradient (for example "integer output"), or null when <see cref="Gradient"/> is set.</summary>
    public string? NoGradientReason { get; }

    /// <summary>A rule for an op with a gradient.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> or <paramref name="gradient"/> is null.</exception>
    public static OpRule Differentiable(string opType, ShapeRule shape, GradientRule gradient) =>
        new(opType, shape ?? throw new ArgumentNullException(nameof(shape)), gradient ?? throw new ArgumentNullException(nameof(gradient)), null);

    /// <summary>A rule for an op that passes no gradient to its inputs, with the reason shown when a gradient is asked through it.</summary>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    public static OpRule NoGradient(string opType, ShapeRule shape, string reason) =>
        string.IsNullOrWhiteSpace(reason) ? throw new ArgumentException($"Op {opType}: say why it carries no gradient.", nameof(reason))
            : new(opType, shape ?? throw new ArgumentNullException(nameof(shape)), null, reason);

    /// <summary>The op type, with "(no gradient: reason)" for ops without a gradient.</summary>
    public override string ToString() => Gradient is null ? $"{OpType} (no gradient: {NoGradientReason})" : OpType;
}

/// <summary>What a <see cref="ShapeRule"/> sees: the node, the graph, and helpers reading its inputs.</summary>
public readonly record struct ShapeContext(Node Node, Graph Graph)
{
    /// <summary>The type of input <paramref name="i"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The node has no input <paramref name="i"/>.</exception>
    /// <exception cref="KeyNotFoundException">Input <paramref name="i"/> is omitted ("") or has no recorded type.</exception>
    public TensorType In(int i) => Graph.TypeOf(Node.Inputs[i]);

    /// <summary>True when input i is given (not an omitted optional input).</summary>
    public bool Has(int i) => i < Node.Inputs.Count && Node.Inputs[i].Length > 0;

    /// <summary>Input i's int64 constant values, or null when absent or not a constant.</summary>
    public long[]? ConstInts(int i) => Has(i) ? Graph.FindInitializer(Node.Inputs[i])?.Data as long[] : null;

    /// <summary>The node's exception for inputs that do not fit the op.</summary>
    public InvalidOperationException Error(string what) => new($"{Node.OpType} node '{Node.Name}': {what}.");
}
