namespace OnnxTrainer.Onnx;

/// <summary>A named, typed value: a graph input, output, or intermediate with known shape.</summary>
public sealed record ValueInfo(string Name, TensorType Type);

/// <summary>
/// An ONNX graph in memory: nodes in topological order, initializers, typed inputs and outputs,
/// the known type of every intermediate value, and model metadata.
/// </summary>
public sealed class Graph
{
    /// <summary>The graph's name (GraphProto.name); appears in error messages and the text form.</summary>
    public string Name { get; set; } = "graph";
    /// <summary>Values fed at run time, in order. An input that also has an initializer is an input with a default value.</summary>
    public List<ValueInfo> Inputs { get; } = [];
    /// <summary>Values the graph returns, in order.</summary>
    public List<ValueInfo> Outputs { get; } = [];
    /// <summary>Nodes in topological order: every input of a node is produced earlier, or is an input or initializer.</summary>
    public List<Node> Nodes { get; } = [];

    /// <summary>Initializers in insertion order.</summary>
    public List<Tensor> Initializers { get; } = [];

    /// <summary>Type of every value the graph knows (inputs, initializers, node outputs).</summary>
    public Dictionary<string, TensorType> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>Model metadata_props, written in key order.</summary>
    public SortedDictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The default-domain opset version the nodes follow (<see cref="OnnxModel.DefaultOpset"/> for built graphs).</summary>
    public int Opset { get; set; } = OnnxModel.DefaultOpset;

    /// <summary>The recorded type of a value.</summary>
    /// <exception cref="KeyNotFoundException">The graph has no type for <paramref name="value"/>.</exception>
    public TensorType TypeOf(string value) =>
        Types.TryGetValue(value, out var t) ? t : throw new KeyNotFoundException($"Graph '{Name}' has no type for value '{value}'.");

    /// <summary>The initializer named <paramref name="name"/>, or null when there is none.</summary>
    public Tensor? FindInitializer(string name) => Initializers.Find(t => t.Name == name);

    /// <summary>The node that outputs <paramref name="value"/>, or null for a graph input, an initializer or an unknown name.</summary>
    public Node? Producer(string value) => Nodes.Find(n => n.Outputs.Contains(value));

    /// <summary>The nodes that take <paramref name="value"/> as an input, in graph order.</summary>
    public IEnumerable<Node> Consumers(string value) => Nodes.Where(n => n.Inputs.Contains(value));

    /// <summary>Replaces an initializer's data, keeping its name and checking its shape.</summary>
    /// <exception cref="KeyNotFoundException">The graph has no initializer of that name.</exception>
    /// <exception cref="ArgumentException">The new value's element type or shape differs from the initializer's.</exception>
    public void SetInitializer(Tensor value)
    {
        int i = Initializers.FindIndex(t => t.Name == value.Name);
        if (i < 0) throw new KeyNotFoundException($"Graph '{Name}' has no initializer '{value.Name}'.");
        if (!Initializers[i].Dims.AsSpan().SequenceEqual(value.Dims) || Initializers[i].Elem != value.Elem)
            throw new ArgumentException($"Initializer '{value.Name}' is {Initializers[i].Type}; got {value.Type}.", nameof(value));
        Initializers[i] = value;
    }

    /// <summary>A deep-enough copy: lists and maps are new, nodes and tensors (immutable) are shared.</summary>
    public Graph Clone()
    {
        var g = new Graph { Name = Name, Opset = Opset };
        g.Inputs.AddRange(Inputs);
        g.Outputs.AddRange(Outputs);
        g.Nodes.AddRange(Nodes);
        g.Initializers.AddRange(Initializers);
        foreach (var (k, v) in Types) g.Types[k] = v;
        foreach (var (k, v) in Metadata) g.Metadata[k] = v;
        return g;
    }
}
