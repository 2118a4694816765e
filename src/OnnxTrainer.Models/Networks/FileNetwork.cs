using System.Text.Json;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Networks;

/// <summary>
/// Reads the roles of a network from an ONNX graph: an onnx-trainer export (its metadata names the input, output,
/// preprocessing, class names and layers) or any image classifier or feature extractor (input: the graph's first
/// input; output: its first output; a Softmax or Sigmoid before it makes a classifier; every node is a layer named
/// by its node name; every float initializer the network reads after its preprocessing is a parameter).
/// </summary>
public static class FileNetwork
{
    /// <summary>Prefix of the metadata_props keys onnx-trainer writes.</summary>
    public const string Prefix = "onnx_trainer.";

    /// <summary>Metadata key: the layers as JSON, one object per <see cref="NamedLayer"/>.</summary>
    public const string LayersKey = Prefix + "layers";

    /// <summary>Metadata key: the value where preprocessing ends (the network proper reads it).</summary>
    public const string PreprocessedKey = Prefix + "preprocessed";

    public static Network FromGraph(Graph graph, string name)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string? Meta(string key) => graph.Metadata.TryGetValue(Prefix + key, out var v) ? v : null;
        var initializers = graph.Initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var input = Meta("input_name") ?? graph.Inputs.FirstOrDefault(i => !initializers.Contains(i.Name))?.Name
            ?? throw new ModelException($"'{name}' has no graph input to feed an image to.");
        var inputType = graph.TypeOf(input);
        string output = Meta("output_name") ?? graph.Outputs.FirstOrDefault()?.Name
            ?? throw new ModelException($"'{name}' has no graph output.");
        var (kind, logits) = Classifier(graph, output);
        string preprocessed = graph.Metadata.GetValueOrDefault(PreprocessedKey) ?? input;
        var preprocessing = PreprocessingNodes(graph, preprocessed);

        bool described = graph.Metadata.TryGetValue(LayersKey, out var json);
        var layers = described ? ParseLayers(json!, name) : NodeLayers(graph, preprocessing);
        var parameters = new List<NetworkParameter>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var inputs = graph.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in layers)
            foreach (var p in l.Params) owner.TryAdd(p, l.Name);
        foreach (var node in graph.Nodes)
        {
            if (preprocessing.Contains(node)) continue;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                var v = node.Inputs[i];
                if (!initializers.Contains(v) || inputs.Contains(v) || (described && !owner.ContainsKey(v)) || !seen.Add(v)) continue;
                var t = graph.FindInitializer(v)!;
                if (t.Elem != ElementType.Float || t.Dims.Length == 0 || !IsWeightInput(node, i)) continue;
                bool state = node.OpType == "BatchNormalization" && i >= 3;
                parameters.Add(new NetworkParameter(v, t.Dims, state ? ParameterRole.State : ParameterRole.Trainable, owner.GetValueOrDefault(v, node.Name)));
            }
        }
        var classNames = Meta("class_names") is { } names ? JsonSerializer.Deserialize<List<string>>(names) ?? [] : [];
        var featureMaps = layers.Where(l => graph.Types.TryGetValue(l.Output, out var t) && t.Rank == 4 && l.Output != input && l.Output != preprocessed).ToList();
        return new Network
        {
            Name = Meta("model") ?? name,
            Graph = graph,
            Input = new NetworkInput(input, inputType.Dims[1..], Meta("preprocessing") ?? "none"),
            Preprocessed = preprocessed,
            Output = output,
            OutputKind = kind,
            Logits = logits,
            Layers = layers,
            Parameters = parameters,
            ClassNames = classNames,
            HeadStart = Meta("head_start"),
            GradCamLayer = kind == OutputKind.Linear ? null : Meta("gradcam_layer") ?? featureMaps.LastOrDefault(l => Spatial(graph, l.Output) > 1)?.Name,
            Freezing = Meta("freezing"),
            BatchNormMode = BatchNormMode.Frozen,
        };
    }

    /// <summary>The metadata a network writes so that <see cref="FromGraph"/> gets its roles back.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(Network network) => new Dictionary<string, string>
    {
        [LayersKey] = JsonSerializer.Serialize(network.Layers),
        [PreprocessedKey] = network.Preprocessed,
    };

    /// <summary>Softmax or Sigmoid behind the output (through Identity): a classifier whose logits are that op's input.</summary>
    public static (OutputKind Kind, string? Logits) Classifier(Graph graph, string output)
    {
        var node = graph.Producer(output);
        while (node is { OpType: "Identity" }) node = graph.Producer(node.Inputs[0]);
        return node switch
        {
            { OpType: "Softmax" } when graph.TypeOf(node.Inputs[0]).Rank == 2 => (OutputKind.Softmax, node.Inputs[0]),
            { OpType: "Sigmoid" } when graph.TypeOf(node.Inputs[0]).Dims is [_, 1] => (OutputKind.Sigmoid, node.Inputs[0]),
            _ => (OutputKind.Linear, null),
        };
    }

    private static long Spatial(Graph graph, string value) => graph.TypeOf(value).Dims is [_, _, var h, var w] && h > 0 && w > 0 ? h * w : 0;

    /// <summary>Inputs that hold weights: data inputs of element-wise ops and the weight, bias and statistics of layers (not shapes, axes or pads).</summary>
    private static bool IsWeightInput(Node node, int index) => node.OpType switch
    {
        "Reshape" or "Expand" or "Slice" or "Pad" or "Tile" or "Unsqueeze" or "Squeeze" or "ReduceMean" or "ReduceSum" or "Split" or "Resize" or "Gather" => index == 0,
        _ => true,
    };

    private static HashSet<Node> PreprocessingNodes(Graph graph, string preprocessed)
    {
        var nodes = new HashSet<Node>();
        var live = new HashSet<string>(StringComparer.Ordinal) { preprocessed };
        for (int k = graph.Nodes.Count - 1; k >= 0; k--)
        {
            var n = graph.Nodes[k];
            if (!n.Outputs.Any(live.Contains)) continue;
            nodes.Add(n);
            foreach (var i in n.Inputs) live.Add(i);
        }
        return nodes;
    }

    private static List<NamedLayer> NodeLayers(Graph graph, HashSet<Node> preprocessing)
    {
        var initializers = graph.Initializers.Where(t => t.Elem == ElementType.Float && t.Dims.Length > 0).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Nodes.Where(n => !preprocessing.Contains(n) && n.Outputs.Count > 0 && n.Outputs[0].Length > 0)
            .Select(n => new NamedLayer(n.Name, n.OpType, n.Name, n.Inputs.FirstOrDefault() ?? "", n.Outputs[0],
                n.Inputs.Where((v, i) => initializers.Contains(v) && IsWeightInput(n, i)).ToList()))
            .ToList();
    }

    private static List<NamedLayer> ParseLayers(string json, string name)
    {
        try
        {
            var rows = JsonSerializer.Deserialize<List<NamedLayer>>(json) ?? [];
            if (rows.Any(r => r.Name is null || r.Output is null || r.Params is null))
                throw new ModelException($"'{name}': metadata {LayersKey} lacks a layer's name, output or parameters.");
            return rows;
        }
        catch (JsonException e)
        {
            throw new ModelException($"'{name}': metadata {LayersKey} is not valid JSON ({e.Message}).");
        }
    }
}
