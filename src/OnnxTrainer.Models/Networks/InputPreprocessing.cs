using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Networks;

/// <summary>
/// Puts a preprocessing in front of a network, so that it takes raw 0..255 RGB pixels [N,C,H,W] on input "input":
/// a named one (rescale, caffe, torch, none: <see cref="PreprocessingGraph"/>) or a preprocessing graph from a file
/// (such as ResNetPreprocess.onnx), whose nodes and values are renamed under "preprocess/".
/// </summary>
public static class InputPreprocessing
{
    public const string InputName = "input";

    /// <param name="network">The network whose input the preprocessing feeds.</param>
    /// <param name="name">How the metadata names it: a preprocessing name or the file's name.</param>
    /// <param name="fromFile">The preprocessing graph (one input, one output of the network's input shape), or null for a named one.</param>
    public static Network Prepend(Network network, string name, Graph? fromFile = null)
    {
        if (!network.Input.IsImage)
            throw new ModelException($"Preprocessing goes in front of an image input; network '{network.Name}' reads '{network.Input.Name}' of shape ({string.Join(", ", network.Input.ExampleDims)}).");
        var dims = network.Input.ExampleDims;
        var b = new GraphBuilder(network.Graph.Name);
        var g = b.Graph;
        g.Opset = network.Graph.Opset;
        string x = b.Input(InputName, TensorType.Float(TensorType.Batch, dims[0], dims[1], dims[2]));
        x = fromFile is null ? PreprocessingGraph.Emit(b, x, PreprocessingGraph.Parse(name), dims[0]) : Splice(b, x, fromFile, name, network);

        var rename = new Dictionary<string, string>(StringComparer.Ordinal) { [network.Input.Name] = x };
        foreach (var t in network.Graph.Initializers) b.Initializer(t);
        foreach (var n in network.Graph.Nodes)
            g.Nodes.Add(new Node(n.Name, n.OpType, n.Inputs.Select(i => rename.GetValueOrDefault(i, i)).ToArray(), n.Outputs, n.Attributes, n.Domain));
        foreach (var (k, v) in network.Graph.Types)
            if (k != network.Input.Name) g.Types.TryAdd(k, v);
        foreach (var i in network.Graph.Inputs.Where(i => i.Name != network.Input.Name)) g.Inputs.Add(i);
        g.Outputs.AddRange(network.Graph.Outputs);
        foreach (var (k, v) in network.Graph.Metadata) g.Metadata[k] = v;
        string Renamed(string v) => rename.GetValueOrDefault(v, v);
        return network with
        {
            Graph = g,
            Input = new NetworkInput(InputName, dims, name),
            Preprocessed = x,
            Layers = network.Layers.Select(l => l with { Input = Renamed(l.Input), Output = Renamed(l.Output) }).ToList(),
        };
    }

    private static string Splice(GraphBuilder b, string x, Graph pre, string name, Network network)
    {
        var inits = pre.Initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var preInput = pre.Inputs.Where(i => !inits.Contains(i.Name)).ToList();
        if (preInput.Count != 1 || pre.Outputs.Count != 1)
            throw new ModelException($"Preprocessing graph '{name}' must have one input and one output; it has {preInput.Count} and {pre.Outputs.Count}.");
        var outType = pre.TypeOf(pre.Outputs[0].Name);
        if (!outType.Dims[1..].AsSpan().SequenceEqual(network.Input.ExampleDims))
            throw new ModelException($"Preprocessing graph '{name}' gives {outType.ShapeText}, but network '{network.Name}' reads '{network.Input.Name}' of (C,H,W) = ({string.Join(",", network.Input.ExampleDims)}).");
        string Prefixed(string v) => v.Length == 0 ? v : v == preInput[0].Name ? x : "preprocess/" + v;
        foreach (var t in pre.Initializers) b.Initializer(t.Rename(Prefixed(t.Name)));
        foreach (var n in pre.Nodes)
        {
            var node = new Node("preprocess/" + n.Name, n.OpType, n.Inputs.Select(Prefixed).ToArray(), n.Outputs.Select(Prefixed).ToArray(), n.Attributes, n.Domain);
            b.Graph.Nodes.Add(node);
            foreach (var o in n.Outputs.Where(o => o.Length > 0)) b.Graph.Types[Prefixed(o)] = pre.TypeOf(o);
        }
        return Prefixed(pre.Outputs[0].Name);
    }
}
