using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: turns a network's training form into its inference form. Each dropout <c>y = Mul(x, mask)</c> over a fed mask
/// input goes (its readers read x; inverted dropout is the identity at inference) and the mask inputs with it. Batch
/// normalization already is the inference op in a network's graph (batch statistics are a step's pass), so it stays.
/// </summary>
public static class StripForInference
{
    /// <summary>Strips the dropout multiplications by <paramref name="maskInputs"/> from <paramref name="graph"/> in place and removes those inputs.</summary>
    /// <param name="graph">The training-form graph, changed in place.</param>
    /// <param name="maskInputs">The dropout mask inputs (a network's DropoutMask inputs).</param>
    public static PassResult Apply(Graph graph, IEnumerable<string> maskInputs) => PassResult.Of(nameof(StripForInference), graph, () =>
    {
        var masks = maskInputs.ToHashSet(StringComparer.Ordinal);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        var outputs = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var kept = new List<Node>();
        foreach (var node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(i => renamed.GetValueOrDefault(i, i)).ToArray();
            if (node.OpType == "Mul" && inputs.Length == 2 && masks.Contains(inputs[1]))
            {
                if (outputs.Contains(node.Outputs[0]))
                    kept.Add(new Node(node.Name, "Identity", [inputs[0]], node.Outputs, null, node.Domain));
                else
                {
                    renamed[node.Outputs[0]] = inputs[0];
                    graph.Types.Remove(node.Outputs[0]);
                }
                continue;
            }
            kept.Add(inputs.SequenceEqual(node.Inputs) ? node : new Node(node.Name, node.OpType, inputs, node.Outputs, node.Attributes, node.Domain));
        }
        graph.Nodes.Clear();
        graph.Nodes.AddRange(kept);
        foreach (var m in masks)
        {
            graph.Inputs.RemoveAll(i => i.Name == m);
            graph.Types.Remove(m);
        }
        return PassResult.NoValues;
    });
}
