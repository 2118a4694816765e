using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Networks;

/// <summary>
/// A network split at one value into the base that computes it and the head that reads it (feature extraction, listing
/// 5.17: the base runs once per image, the head trains on its output).
/// </summary>
public sealed record NetworkCut(Network Base, Network Head, string Value)
{
    /// <summary>
    /// Splits <paramref name="network"/> at <paramref name="name"/> (a layer, node or value; a layer means its output).
    /// Every node above the cut must reach the base only through that value: a residual connection across it is an error.
    /// </summary>
    public static NetworkCut At(Network network, string name)
    {
        string value = network.ValueOf(name);
        var g = network.Graph;
        var type = g.TypeOf(value);
        var below = Needed(g, [value]);
        var headNodes = new List<Node>();
        var available = new HashSet<string>(StringComparer.Ordinal) { value };
        foreach (var t in g.Initializers) available.Add(t.Name);
        foreach (var n in g.Nodes.Where(n => !below.Contains(n)))
        {
            foreach (var i in n.Inputs)
                if (i.Length > 0 && !available.Contains(i) && !network.Masks.Any(m => m.Input == i))
                    throw new ModelException(
                        $"Cannot cut network '{network.Name}' at '{value}': node '{n.Name}' above the cut also reads '{i}', which is computed below it " +
                        "(a connection crosses the cut). Cut at a value that everything above depends on only through it.");
            headNodes.Add(n);
            foreach (var o in n.Outputs) available.Add(o);
        }
        var headNeeded = Needed(g, [network.Output]);
        headNodes.RemoveAll(n => !headNeeded.Contains(n));

        var baseGraph = Subgraph(g, g.Nodes.Where(below.Contains).ToList(), g.Inputs.Where(i => i.Name == network.Input.Name).ToList(), value, network.Name + "/base");
        var headInputs = new List<ValueInfo> { new(value, type) };
        headInputs.AddRange(g.Inputs.Where(i => network.Masks.Any(m => m.Input == i.Name) && headNodes.Any(n => n.Inputs.Contains(i.Name))));
        var headGraph = Subgraph(g, headNodes, headInputs, network.Output, network.Name + "/head");

        Network Part(Graph part, NetworkInput input, string output, OutputKind kind, string? logits) => network with
        {
            Name = part.Name,
            Graph = part,
            Input = input,
            Output = output,
            OutputKind = kind,
            Logits = logits,
            Layers = network.Layers.Where(l => part.Types.ContainsKey(l.Output) && (l.FirstNode.Length == 0 || part.Nodes.Any(n => n.Name == l.FirstNode))).ToList(),
            Parameters = network.Parameters.Where(p => part.Initializers.Any(t => t.Name == p.Name)).ToList(),
            Masks = network.Masks.Where(m => part.Inputs.Any(i => i.Name == m.Input)).ToList(),
            StateUpdates = network.StateUpdates.Where(s => part.Types.ContainsKey(s.NewValue)).ToList(),
            HeadStart = null,
            GradCamLayer = null,
        };
        var baseNet = Part(baseGraph, network.Input, value, OutputKind.Linear, null);
        var head = Part(headGraph, new NetworkInput(value, type.Dims[1..], "none", type.Rank == 4 ? "NCHW" : "features"),
            network.Output, network.OutputKind, network.Logits);
        return new NetworkCut(baseNet, head, value);
    }

    /// <summary>The cut a head put on a base defines: the head's input.</summary>
    public static NetworkCut AtHead(Network network) => network.HeadStart is { } start
        ? At(network, network.Layer(start).Input)
        : throw new ModelException($"Feature extraction needs a base with a head (for example vgg16-base --head dense256, or FILE.onnx --cut VALUE --head gap-dense); network '{network.Name}' has none.");

    /// <summary>The nodes <paramref name="values"/> depend on.</summary>
    private static HashSet<Node> Needed(Graph g, IEnumerable<string> values)
    {
        var live = values.ToHashSet(StringComparer.Ordinal);
        var nodes = new HashSet<Node>();
        for (int k = g.Nodes.Count - 1; k >= 0; k--)
        {
            var n = g.Nodes[k];
            if (!n.Outputs.Any(live.Contains)) continue;
            nodes.Add(n);
            foreach (var i in n.Inputs) live.Add(i);
        }
        return nodes;
    }

    private static Graph Subgraph(Graph g, List<Node> nodes, List<ValueInfo> inputs, string output, string name)
    {
        var part = new Graph { Name = name, Opset = g.Opset };
        part.Inputs.AddRange(inputs);
        part.Nodes.AddRange(nodes);
        var used = nodes.SelectMany(n => n.Inputs).ToHashSet(StringComparer.Ordinal);
        part.Initializers.AddRange(g.Initializers.Where(t => used.Contains(t.Name)));
        foreach (var v in inputs) part.Types[v.Name] = v.Type;
        foreach (var t in part.Initializers) part.Types[t.Name] = t.Type;
        foreach (var n in nodes)
            foreach (var o in n.Outputs)
                if (o.Length > 0 && g.Types.TryGetValue(o, out var t)) part.Types[o] = t;
        part.Outputs.Add(new ValueInfo(output, g.TypeOf(output)));
        return part;
    }
}
