namespace OnnxTrainer.Onnx;

/// <summary>One attribute value: long, float, string, long[], float[] or a <see cref="Tensor"/>.</summary>
public sealed record NodeAttribute(string Name, object Value);

/// <summary>One ONNX node. An empty input name is an omitted optional input.</summary>
public sealed class Node
{
    /// <summary>A node with the given name, op type, input and output value names, attributes and domain ("" is the default ONNX domain).</summary>
    public Node(string name, string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyList<NodeAttribute>? attributes = null, string domain = "")
    {
        Name = name;
        OpType = opType;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes ?? [];
        Domain = domain;
    }

    /// <summary>The node's name, unique within its graph.</summary>
    public string Name { get; }
    /// <summary>The ONNX operator, for example "Conv" or "Relu".</summary>
    public string OpType { get; }
    /// <summary>The operator set domain: "" for the default ONNX domain.</summary>
    public string Domain { get; }
    /// <summary>Input value names in operator order; "" marks an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>Output value names in operator order; "" marks an output that is not produced.</summary>
    public IReadOnlyList<string> Outputs { get; }
    /// <summary>The node's attributes, in the order given.</summary>
    public IReadOnlyList<NodeAttribute> Attributes { get; }

    /// <summary>Whether the node sets <paramref name="attribute"/>.</summary>
    public bool Has(string attribute) => Attributes.Any(a => a.Name == attribute);

    /// <summary>The value of <paramref name="attribute"/>, or null when the node does not set it.</summary>
    public object? Attr(string attribute) => Attributes.FirstOrDefault(a => a.Name == attribute)?.Value;

    /// <summary>An int attribute, or <paramref name="fallback"/> when it is absent or not an int.</summary>
    public long Int(string attribute, long fallback) => Attr(attribute) is long v ? v : fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/> when it is absent or not a float.</summary>
    public float Float(string attribute, float fallback) => Attr(attribute) is float v ? v : fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/> when it is absent or not a string.</summary>
    public string Str(string attribute, string fallback) => Attr(attribute) as string ?? fallback;

    /// <summary>An ints attribute, or <paramref name="fallback"/> when it is absent or not a list of ints.</summary>
    public long[] Ints(string attribute, long[] fallback) => Attr(attribute) as long[] ?? fallback;

    /// <summary>"OpType(inputs) -> outputs", for messages and debugging.</summary>
    public override string ToString() => $"{OpType}({string.Join(", ", Inputs)}) -> {string.Join(", ", Outputs)}";
}
