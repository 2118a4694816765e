using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: makes the first feature maps of a model graph outputs (seeds/003 listing 5.27's activation model): the values
/// "&lt;layer&gt;/out" of rank 4 (Conv2D and pooling outputs), in graph order, without the preprocessing. Returns the
/// values made outputs, in order; those already outputs are returned too but not added twice.
/// </summary>
public static class ExposeActivations
{
    public static IReadOnlyList<string> Apply(Graph graph, int count)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var chosen = LayerOutputs(graph).Take(count).ToList();
        foreach (var v in chosen)
            if (!graph.Outputs.Any(o => o.Name == v)) graph.Outputs.Add(new ValueInfo(v, graph.TypeOf(v)));
        return chosen;
    }

    /// <summary>Every feature map "&lt;layer&gt;/out" (one '/' only, so no gradient or scope values) in graph order.</summary>
    public static IEnumerable<string> LayerOutputs(Graph graph) =>
        graph.Nodes.SelectMany(n => n.Outputs)
            .Where(o => o.EndsWith("/out", StringComparison.Ordinal) && o.IndexOf('/') == o.Length - 4 && o != "preprocess/out")
            .Where(o => graph.Types.TryGetValue(o, out var t) && t.Rank == 4 && t.Elem == ElementType.Float);
}
