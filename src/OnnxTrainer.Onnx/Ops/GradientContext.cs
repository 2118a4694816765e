namespace OnnxTrainer.Onnx.Ops;

/// <summary>
/// What a <see cref="GradientRule"/> sees: the builder, the forward node, the gradients of its outputs (null where
/// none flows), which inputs need a gradient, and small helpers that emit nodes through the builder.
/// </summary>
public sealed class GradientContext
{
    /// <summary>The context of one forward node during the backward walk (made by the gradient pass).</summary>
    /// <param name="b">The builder the gradient nodes are added through.</param>
    /// <param name="node">The forward node.</param>
    /// <param name="outputGrads">d(loss)/d(output k) per output, null where none flows.</param>
    /// <param name="needs">Per input, whether it needs a gradient.</param>
    public GradientContext(GraphBuilder b, Node node, IReadOnlyList<string?> outputGrads, IReadOnlyList<bool> needs)
    {
        B = b;
        Node = node;
        OutputGrads = outputGrads;
        Needs = needs;
    }

    /// <summary>The builder gradient nodes are added through (the graph being differentiated).</summary>
    public GraphBuilder B { get; }
    /// <summary>The forward node whose input gradients are being made.</summary>
    public Node Node { get; }

    /// <summary>d(loss)/d(output k), or null where no gradient reaches output k.</summary>
    public IReadOnlyList<string?> OutputGrads { get; }

    /// <summary>Whether input k needs a gradient (it depends on a value gradients are asked for).</summary>
    public IReadOnlyList<bool> Needs { get; }

    /// <summary>The name of input <paramref name="i"/> of the forward node.</summary>
    public string X(int i) => Node.Inputs[i];
    /// <summary>The name of output <paramref name="k"/> of the forward node.</summary>
    public string Y(int k = 0) => Node.Outputs[k];

    /// <summary>The gradient of output 0 (single-output nodes are visited only when it exists).</summary>
    /// <exception cref="InvalidOperationException">No gradient reaches output 0.</exception>
    public string Dy => OutputGrads[0] ?? throw new InvalidOperationException($"{Node.OpType} node '{Node.Name}': output 0 has no gradient.");

    /// <summary>Whether input <paramref name="i"/> needs a gradient (false for inputs beyond the node's).</summary>
    public bool Need(int i) => i < Needs.Count && Needs[i];

    /// <summary>True when input i is given (not an omitted optional input).</summary>
    public bool Has(int i) => i < Node.Inputs.Count && Node.Inputs[i].Length > 0;

    /// <summary>The type of input <paramref name="i"/>.</summary>
    public TensorType InType(int i) => B.TypeOf(Node.Inputs[i]);
    /// <summary>The type of output <paramref name="k"/>.</summary>
    public TensorType OutType(int k = 0) => B.TypeOf(Node.Outputs[k]);

    /// <summary>One gradient per input: <paramref name="grads"/>[i] is evaluated only when input i needs it.</summary>
    public string?[] Each(params Func<string?>[] grads)
    {
        var result = new string?[Node.Inputs.Count];
        for (int i = 0; i < grads.Length && i < result.Length; i++)
            if (Need(i)) result[i] = grads[i]();
        return result;
    }

    /// <summary>No gradient for any input (non-differentiable ops, or a zero derivative).</summary>
    public string?[] None() => new string?[Node.Inputs.Count];

    /// <summary>The node's exception for a form of the op the rules do not handle.</summary>
    public NotSupportedException Unsupported(string what) =>
        new($"Gradient of {Node.OpType} node '{Node.Name}': {what} is not supported.");

    // ---- emitting helpers ----

    /// <summary>Adds a one-output node with an inferred type and returns its output.</summary>
    public string Op(string opType, params string[] inputs) => B.Op(opType, inputs);

    /// <summary>Adds a one-output node with attributes and an inferred type and returns its output.</summary>
    public string Op(string opType, string[] inputs, params NodeAttribute[] attributes) => B.Op(opType, inputs, null, attributes);

    /// <summary>A node whose output type is given (ops without a shape rule, or values with run-time shapes).</summary>
    public string Typed(string opType, string[] inputs, TensorType type, params NodeAttribute[] attributes) =>
        B.Node(opType, inputs, 1, attributes, null, [type])[0];

    /// <summary>a * b (broadcasting).</summary>
    public string Mul(string a, string b) => Op("Mul", a, b);
    /// <summary>a / b (broadcasting).</summary>
    public string Div(string a, string b) => Op("Div", a, b);
    /// <summary>a + b (broadcasting).</summary>
    public string Add(string a, string b) => Op("Add", a, b);
    /// <summary>a - b (broadcasting).</summary>
    public string Sub(string a, string b) => Op("Sub", a, b);
    /// <summary>-a.</summary>
    public string Neg(string a) => Op("Neg", a);
    /// <summary>A shared float scalar constant.</summary>
    public string Const(float v) => B.Const(v);

    /// <summary>A bool mask as float 0/1.</summary>
    public string AsFloat(string mask) => Op("Cast", [mask], A("to", (long)ElementType.Float));

    /// <summary>An int attribute.</summary>
    public static NodeAttribute A(string name, long value) => GraphBuilder.A(name, value);
    /// <summary>A float attribute.</summary>
    public static NodeAttribute A(string name, float value) => GraphBuilder.A(name, value);
    /// <summary>An ints attribute.</summary>
    public static NodeAttribute A(string name, long[] value) => GraphBuilder.A(name, value);
    /// <summary>A string attribute.</summary>
    public static NodeAttribute A(string name, string value) => GraphBuilder.A(name, value);

    /// <summary>An int64 initializer's values, or null when the value is not a constant.</summary>
    public long[]? ConstInts(string value) =>
        value.Length > 0 && B.Graph.FindInitializer(value)?.Data is long[] l ? l : null;

    /// <summary>A float scalar initializer's value, or null when the value is not a one-element constant.</summary>
    public float? ConstFloat(string value) =>
        value.Length > 0 && B.Graph.FindInitializer(value)?.Data is float[] { Length: 1 } f ? f[0] : null;

    /// <summary><paramref name="g"/> reshaped to the shape of <paramref name="like"/> (its batch dim stays run-time).</summary>
    public string ReshapeLike(string g, string like)
    {
        var t = B.TypeOf(like);
        if (B.TypeOf(g).Dims.AsSpan().SequenceEqual(t.Dims)) return g;
        string shape = t.Dims.Count(d => d < 0) <= 1 ? B.Ints(t.Dims.Select(d => d < 0 ? -1 : d).ToArray()) : ShapeOf(like);
        return Typed("Reshape", [g, shape], B.TypeOf(g) with { Dims = t.Dims });
    }

    /// <summary><paramref name="g"/> broadcast to the shape of <paramref name="like"/>.</summary>
    public string ExpandLike(string g, string like)
    {
        var t = B.TypeOf(like);
        var gd = B.TypeOf(g).Dims;
        if (gd.AsSpan().SequenceEqual(t.Dims)) return g;
        // Where like's run-time dims are already in g, a 1 in the target keeps them; otherwise the shape comes from Shape(like).
        int offset = t.Rank - gd.Length;
        bool staticEnough = offset >= 0 && t.Dims.Select((d, i) => d >= 0 || (i >= offset && gd[i - offset] == d)).All(ok => ok);
        if (staticEnough)
            return B.Op("Expand", [g, B.Ints(t.Dims.Select(d => d < 0 ? 1 : d).ToArray())]);
        return Typed("Expand", [g, ShapeOf(like)], B.TypeOf(g) with { Dims = t.Dims });
    }

    /// <summary>The gradient of a reduction without kept dims, with the reduced <paramref name="axes"/> put back as size 1.</summary>
    public string ReshapeKept(string g, long[] axes) => Op("Unsqueeze", g, B.Ints(axes));

    /// <summary>Shape(value) as a run-time int64 vector.</summary>
    public string ShapeOf(string value) => Typed("Shape", [value], TensorType.Int64(B.TypeOf(value).Rank));

    /// <summary>Number of elements of <paramref name="value"/> as a float scalar: a constant when static.</summary>
    public string CountOf(string value)
    {
        var t = B.TypeOf(value);
        if (t.IsStatic) return Const(Shapes.Product(t.Dims));
        return AsFloat(Typed("Size", [value], TensorType.Int64()));
    }

    /// <summary>Axes of a Reduce* node (attribute or constant input 1), normalized and sorted; all axes when none are given.</summary>
    /// <exception cref="NotSupportedException">The axes are an input that is not a constant.</exception>
    public long[] ReduceAxes()
    {
        int rank = InType(0).Rank;
        long[]? axes = Node.Has("axes") ? Node.Ints("axes", []) : Has(1) ? ConstInts(X(1)) ?? throw Unsupported("axes that are not a constant") : null;
        if (axes is null || axes.Length == 0)
            return Node.Int("noop_with_empty_axes", 0) == 1 ? [] : Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        return axes.Select(a => a < 0 ? a + rank : a).Distinct().Order().ToArray();
    }

    /// <summary>Softmax-style axis attribute, normalized (default -1).</summary>
    public long Axis(long fallback = -1)
    {
        long a = Node.Int("axis", fallback);
        return a < 0 ? a + InType(0).Rank : a;
    }
}
