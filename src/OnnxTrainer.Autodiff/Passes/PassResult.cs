using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// What a pass changed in a graph: the contract every pass shares (a graph in, changed in place, this out). Nodes
/// added, removed and changed (same name, other inputs, op or attributes), inputs and outputs added and removed, and
/// <see cref="Values"/>: the values the pass made that a caller needs by role (a parameter's gradient, the explain
/// outputs, the exposed activations).
/// </summary>
public sealed record PassResult(
    string Pass,
    int NodesAdded,
    int NodesRemoved,
    int NodesChanged,
    IReadOnlyList<string> InputsAdded,
    IReadOnlyList<string> InputsRemoved,
    IReadOnlyList<string> OutputsAdded,
    IReadOnlyList<string> OutputsRemoved,
    IReadOnlyDictionary<string, string> Values)
{
    /// <summary>True when the pass added, removed or changed any node, input or output.</summary>
    public bool Changed => NodesAdded + NodesRemoved + NodesChanged + InputsAdded.Count + InputsRemoved.Count + OutputsAdded.Count + OutputsRemoved.Count > 0;

    /// <summary>Runs <paramref name="run"/> on <paramref name="graph"/> and reports the difference it made.</summary>
    public static PassResult Of(string pass, Graph graph, Func<IReadOnlyDictionary<string, string>> run)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var nodes = graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var inputs = graph.Inputs.Select(i => i.Name).ToList();
        var outputs = graph.Outputs.Select(o => o.Name).ToList();
        var values = run();
        var after = graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var inputsAfter = graph.Inputs.Select(i => i.Name).ToList();
        var outputsAfter = graph.Outputs.Select(o => o.Name).ToList();
        return new PassResult(pass,
            after.Keys.Count(n => !nodes.ContainsKey(n)),
            nodes.Keys.Count(n => !after.ContainsKey(n)),
            after.Count(n => nodes.TryGetValue(n.Key, out var before) && !ReferenceEquals(before, n.Value)),
            inputsAfter.Except(inputs).ToList(),
            inputs.Except(inputsAfter).ToList(),
            outputsAfter.Except(outputs).ToList(),
            outputs.Except(outputsAfter).ToList(),
            values);
    }

    internal static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();
}
