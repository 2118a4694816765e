using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: runs the given BatchNormalization nodes with batch statistics. Each node is replaced, at its place in the
/// graph, by primitives: mean and biased variance over every axis but the channel axis 1 (N, H, W), and
/// Y = (X - mean)/sqrt(var + epsilon)*scale + bias. The result's values are the state updates of the moving
/// statistics, ONNX's convention: new = moving*momentum + batch*(1 - momentum), momentum from the node's attribute
/// (default 0.9), state value -> new value in node order, mean before variance.
/// </summary>
public static class BatchNormTraining
{
    /// <summary>Rewrites the named BatchNormalization nodes of <paramref name="graph"/> in place; the result's values map each moving statistic to its new value.</summary>
    /// <exception cref="ArgumentException">A name is not a node of the graph, names a node that is not BatchNormalization, or the node's input has no channel axis.</exception>
    public static PassResult Apply(Graph graph, IEnumerable<string> nodeNames) =>
        PassResult.Of(nameof(BatchNormTraining), graph, () => Run(graph, nodeNames).ToDictionary(u => u.Param, u => u.NewValue, StringComparer.Ordinal));

    /// <summary>The result's values as state updates, in order.</summary>
    public static IReadOnlyList<StateUpdate> Updates(PassResult result) => result.Values.Select(kv => new StateUpdate(kv.Key, kv.Value)).ToList();

    private static List<StateUpdate> Run(Graph graph, IEnumerable<string> nodeNames)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(nodeNames);
        var updates = new List<StateUpdate>();
        foreach (var name in nodeNames.Distinct().ToList())
        {
            int at = graph.Nodes.FindIndex(n => n.Name == name);
            if (at < 0) throw new ArgumentException($"Graph '{graph.Name}' has no node '{name}' to run with batch statistics.", nameof(nodeNames));
            var node = graph.Nodes[at];
            if (node.OpType != "BatchNormalization")
                throw new ArgumentException($"Node '{name}' of graph '{graph.Name}' is {node.OpType}, not BatchNormalization.", nameof(nodeNames));
            graph.Nodes.RemoveAt(at);
            int before = graph.Nodes.Count;
            updates.AddRange(Rewrite(new GraphBuilder(graph), node));
            // the builder appended the primitives: move them to where the node was
            var added = graph.Nodes.GetRange(before, graph.Nodes.Count - before);
            graph.Nodes.RemoveRange(before, added.Count);
            graph.Nodes.InsertRange(at, added);
        }
        return updates;
    }

    /// <summary>The batch-statistics form of one node, writing its Y (and running_mean/var outputs when present).</summary>
    private static IEnumerable<StateUpdate> Rewrite(GraphBuilder b, Node node)
    {
        string x = node.Inputs[0], scale = node.Inputs[1], bias = node.Inputs[2], mean = node.Inputs[3], variance = node.Inputs[4];
        float epsilon = node.Float("epsilon", 1e-5f), momentum = node.Float("momentum", 0.9f);
        var type = b.TypeOf(x);
        if (type.Rank < 2) throw new ArgumentException($"BatchNormalization node '{node.Name}': input {type} has no channel axis.");
        long c = type.Dims[1];
        using var _ = b.Scope(node.Name);
        string axes = b.Ints([0, .. Enumerable.Range(2, type.Rank - 2).Select(i => (long)i)]);
        string paramShape = b.Ints([1, c, .. Enumerable.Repeat(1L, type.Rank - 2)]);
        string batchMean = b.Op("ReduceMean", [x, axes], b.Prefixed("batch_mean"), GraphBuilder.A("keepdims", 1L));     // mean over N, H, W
        string centered = b.Op("Sub", [x, batchMean]);
        string batchVar = b.Op("ReduceMean", [b.Op("Mul", [centered, centered]), axes], b.Prefixed("batch_var"), GraphBuilder.A("keepdims", 1L)); // biased
        string invStd = b.Op("Reciprocal", [b.Op("Sqrt", [b.Op("Add", [batchVar, b.Const(epsilon)])])]);
        string scaled = b.Op("Mul", [b.Op("Mul", [centered, invStd]), b.Op("Reshape", [scale, paramShape])]);
        b.Op("Add", [scaled, b.Op("Reshape", [bias, paramShape])], node.Outputs[0]);                                     // y = (x-mean)/sqrt(var+eps)*scale + bias

        string vector = b.Ints(c);
        string Output(int k) => k < node.Outputs.Count && node.Outputs[k].Length > 0 ? node.Outputs[k] : b.Fresh(b.Prefixed(k == 1 ? "new_mean" : "new_var"));
        // new = moving*momentum + batch*(1 - momentum)
        string Moving(string moving, string batch, int k) =>
            b.Op("Add", [b.Op("Mul", [moving, b.Const(momentum)]), b.Op("Mul", [b.Op("Reshape", [batch, vector]), b.Const(1 - momentum)])], Output(k));
        return [new StateUpdate(mean, Moving(mean, batchMean, 1)), new StateUpdate(variance, Moving(variance, batchVar, 2))];
    }
}
