namespace OnnxTrainer.Onnx;

/// <summary>One attribute value: long, float, string, long[], float[] or a <see cref="Tensor"/>.</summary>
public sealed record NodeAttribute(string Name, object Value);

/// <summary>One ONNX node. An empty input name is an omitted optional input.</summary>
public sealed class Node
{
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

    public string Name { get; }
    public string OpType { get; }
    public string Domain { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    public IReadOnlyList<NodeAttribute> Attributes { get; }

    public bool Has(string attribute) => Attributes.Any(a => a.Name == attribute);

    public object? Attr(string attribute) => Attributes.FirstOrDefault(a => a.Name == attribute)?.Value;

    public long Int(string attribute, long fallback) => Attr(attribute) is long v ? v : fallback;

    public float Float(string attribute, float fallback) => Attr(attribute) is float v ? v : fallback;

    public string Str(string attribute, string fallback) => Attr(attribute) as string ?? fallback;

    public long[] Ints(string attribute, long[] fallback) => Attr(attribute) as long[] ?? fallback;

    public override string ToString() => $"{OpType}({string.Join(", ", Inputs)}) -> {string.Join(", ", Outputs)}";
}
