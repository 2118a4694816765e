using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: removes nodes none of whose outputs reach a graph output, and initializers nobody reads.
/// Graph inputs stay (their names are part of the step's interface).
/// </summary>
public static class Prune
{
    /// <summary>Prunes <paramref name="graph"/> in place, also dropping the recorded types of removed values.</summary>
    public static PassResult Apply(Graph graph) => PassResult.Of(nameof(Prune), graph, () =>
    {
        var live = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var keep = new bool[graph.Nodes.Count];
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var n = graph.Nodes[i];
            if (!n.Outputs.Any(live.Contains)) continue;
            keep[i] = true;
            foreach (var input in n.Inputs) live.Add(input);
        }
        var nodes = graph.Nodes.Where((_, i) => keep[i]).ToList();
        graph.Nodes.Clear();
        graph.Nodes.AddRange(nodes);
        graph.Initializers.RemoveAll(t => !live.Contains(t.Name));
        var known = graph.Inputs.Select(v => v.Name).Concat(graph.Initializers.Select(t => t.Name))
            .Concat(graph.Nodes.SelectMany(n => n.Outputs)).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in graph.Types.Keys.Where(k => !known.Contains(k)).ToList()) graph.Types.Remove(stale);
        return PassResult.NoValues;
    });
}
