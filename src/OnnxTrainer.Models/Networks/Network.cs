using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Networks;

/// <summary>
/// The trainable-network contract: what every stage after graph building works on. A network is its ONNX graph in
/// training form (weights as initializers, dropout as a Mul by a fed mask, BatchNormalization as the inference op)
/// with the roles of its values: the input, the output and its kind, the logits a loss and Grad-CAM start from, the
/// named layers options address, a parameter table (trainable, frozen or state), the dropout masks and state updates a
/// step feeds and reads, and the class names. Producers: <see cref="ZooNetwork"/> (the zoo's layer lists) and the ONNX
/// file importer; consumers: step graphs, trainer, checkpoints, export, feature extraction, explain outputs, activations,
/// filter visualization and weight import. The graph is never changed in place: every method returns a new network.
/// </summary>
public sealed record Network
{
    /// <summary>The model's name ("mnist-convnet", "vgg16-base+dense256", or a file's name).</summary>
    public required string Name { get; init; }

    /// <summary>The graph in training form; its initializers hold the current weights.</summary>
    public required Graph Graph { get; init; }

    public required NetworkInput Input { get; init; }

    /// <summary>The value where the preprocessing ends and the network proper starts (the input itself without preprocessing).</summary>
    public string Preprocessed { get; init; } = "";

    /// <summary>The output value: class probabilities for a classifier.</summary>
    public required string Output { get; init; }

    public required OutputKind OutputKind { get; init; }

    /// <summary>The input of the final softmax or sigmoid (null for a linear output).</summary>
    public string? Logits { get; init; }

    /// <summary>The named points of the graph, in graph order (zoo layers, or one per node of an imported graph).</summary>
    public required IReadOnlyList<NamedLayer> Layers { get; init; }

    public required IReadOnlyList<NetworkParameter> Parameters { get; init; }

    public IReadOnlyList<DropoutMask> Masks { get; init; } = [];

    /// <summary>Moving-statistics updates of the training form (value names of the new statistics).</summary>
    public IReadOnlyList<StateUpdate> StateUpdates { get; init; } = [];

    /// <summary>Class names for the output units (empty: "0", "1", ... when exported).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>The first layer of a head put on a base (null without a head): the feature-extraction cut is its input.</summary>
    public string? HeadStart { get; init; }

    /// <summary>The layer Grad-CAM explains by default (null: none suits, or not a classifier).</summary>
    public string? GradCamLayer { get; init; }

    public BatchNormMode BatchNormMode { get; init; } = BatchNormMode.Frozen;

    /// <summary>How the trainable parameters were chosen, as an option names it ("freeze-base", "trainable-from:block5_conv1"); null when all train.</summary>
    public string? Freezing { get; init; }

    /// <summary>Output units: the last dim of the output (1 for a sigmoid unit).</summary>
    public long Units => Graph.TypeOf(Output).Dims[^1];

    /// <summary>Number of classes: 2 for a sigmoid unit, else the units.</summary>
    public int Classes => Units == 1 ? 2 : (int)Units;

    public bool IsClassifier => OutputKind is OutputKind.Softmax or OutputKind.Sigmoid;

    public IEnumerable<NetworkParameter> Trainable => Parameters.Where(p => p.Role == ParameterRole.Trainable);

    public long ParamCount => Parameters.Sum(p => p.Count);

    public long TrainableParamCount => Trainable.Sum(p => p.Count);

    public long NonTrainableParamCount => ParamCount - TrainableParamCount;

    /// <summary>Layers whose output is an image feature map [N,K,h,w] (Conv2D, pooling and the like), in graph order.</summary>
    public IEnumerable<NamedLayer> FeatureMaps => Layers.Where(l =>
        l.Output != Input.Name && Graph.Types.TryGetValue(l.Output, out var t) && t.Rank == 4 && t.Elem == ElementType.Float);

    /// <summary>
    /// The layer an option names: a layer name ("block5_conv1"), a node name, or a value name (its producer). The error
    /// lists what exists.
    /// </summary>
    public NamedLayer Layer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var l in Layers) if (l.Name == name) return l;
        foreach (var l in Layers) if (l.Output == name) return l;
        var node = Graph.Nodes.Find(n => n.Name == name) ?? Graph.Producer(name);
        if (node is not null) return NodeLayer(node);
        throw new ModelException($"Network '{Name}' has no layer, node or value named '{name}'. Its layers: {Abbreviate(Layers.Select(l => l.Name))}.");
    }

    /// <summary>The value an option names: a layer's output, a value of the graph, or a node's first output.</summary>
    public string ValueOf(string name)
    {
        foreach (var l in Layers) if (l.Name == name) return l.Output;
        return Graph.Types.ContainsKey(name) ? name : Layer(name).Output;
    }

    /// <summary>The weights as they are now, by parameter name in table order.</summary>
    public Weights CurrentWeights()
    {
        var w = new Weights();
        foreach (var p in Parameters)
            w.Set(Graph.FindInitializer(p.Name) ?? throw new InvalidOperationException($"Network '{Name}' lacks the initializer of parameter '{p.Name}'."));
        return w;
    }

    /// <summary>The same network with <paramref name="weights"/>: every parameter given, with its shape, and nothing else.</summary>
    public Network WithWeights(Weights weights, string source = "the given weights")
    {
        var problems = new List<string>();
        var byName = Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var p in Parameters)
        {
            if (!weights.Contains(p.Name)) problems.Add($"missing {p.Name} [{string.Join(",", p.Dims)}]");
            else if (!weights[p.Name].Dims.AsSpan().SequenceEqual(p.Dims))
                problems.Add($"{p.Name} is [{string.Join(",", weights[p.Name].Dims)}], expected [{string.Join(",", p.Dims)}]");
        }
        foreach (var n in weights.Names.Where(n => !byName.ContainsKey(n))) problems.Add($"unexpected {n}");
        if (problems.Count > 0)
            throw new ModelException($"Weights from '{source}' do not fit network '{Name}': {string.Join("; ", problems)}.");
        var graph = Graph.Clone();
        foreach (var p in Parameters) graph.SetInitializer(weights[p.Name]);
        return this with { Graph = graph };
    }

    /// <summary>Every weight trains again (state stays state).</summary>
    public Network Unfrozen() => WithRoles(p => p.Role == ParameterRole.State ? ParameterRole.State : ParameterRole.Trainable, null);

    /// <summary>Freezes the base under the head (Keras conv_base.trainable = False).</summary>
    public Network FreezeBase()
    {
        if (HeadStart is null)
            throw new ModelException($"Network '{Name}' has no base to freeze; --freeze-base needs a model built from a base and a head (for example vgg16-base --head dense256).");
        return TrainableFromLayer(Layer(HeadStart), "freeze-base");
    }

    /// <summary>
    /// Freezes every weight used before <paramref name="name"/> (a layer, node or value) in graph order, and makes the
    /// weights from there on trainable (listing 5.22's set_trainable loop).
    /// </summary>
    public Network TrainableFrom(string name) => TrainableFromLayer(Layer(name), "trainable-from:" + name);

    /// <summary>Freezes every weight (feature extraction's base).</summary>
    public Network FreezeAll() =>
        WithRoles(p => p.Role == ParameterRole.State ? ParameterRole.State : ParameterRole.Frozen, "frozen");

    public Network WithBatchNormMode(BatchNormMode mode) => this with { BatchNormMode = mode };

    private Network TrainableFromLayer(NamedLayer layer, string freezing)
    {
        int start = NodeIndex(layer);
        var firstUse = FirstUses();
        return WithRoles(p => p.Role == ParameterRole.State ? ParameterRole.State
            : firstUse.TryGetValue(p.Name, out int use) && use < start ? ParameterRole.Frozen
            : ParameterRole.Trainable, freezing);
    }

    private Network WithRoles(Func<NetworkParameter, ParameterRole> role, string? freezing) =>
        this with { Parameters = Parameters.Select(p => p with { Role = role(p) }).ToList(), Freezing = freezing };

    /// <summary>Index of the first node of <paramref name="layer"/> (a layer without nodes starts where the next one does).</summary>
    private int NodeIndex(NamedLayer layer)
    {
        if (layer.FirstNode.Length > 0)
        {
            int i = Graph.Nodes.FindIndex(n => n.Name == layer.FirstNode);
            if (i >= 0) return i;
        }
        int k = Layers.ToList().FindIndex(l => l.Name == layer.Name);
        for (int j = k + 1; j >= 1 && j < Layers.Count; j++)
            if (Layers[j].FirstNode.Length > 0) return Graph.Nodes.FindIndex(n => n.Name == Layers[j].FirstNode);
        return Graph.Nodes.Count;
    }

    /// <summary>Parameter name -> index of the first node that reads it.</summary>
    private Dictionary<string, int> FirstUses()
    {
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Graph.Nodes.Count; i++)
            foreach (var input in Graph.Nodes[i].Inputs)
                uses.TryAdd(input, i);
        return uses;
    }

    private NamedLayer NodeLayer(Node node)
    {
        var parameters = Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return new NamedLayer(node.Name, node.OpType, node.Name, node.Inputs.FirstOrDefault() ?? "", node.Outputs[0],
            node.Inputs.Where(parameters.Contains).ToList());
    }

    private static string Abbreviate(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 12 ? string.Join(", ", list) : string.Join(", ", list.Take(12)) + $" and {list.Count - 12} more";
    }
}
