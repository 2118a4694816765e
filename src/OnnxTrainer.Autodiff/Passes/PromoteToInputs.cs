using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: turns initializers into graph inputs of the same name and type, so a step session can be fed the
/// current parameter values instead of baking them in. Returns the initial values it removed, in order.
/// </summary>
public static class PromoteToInputs
{
    public static IReadOnlyList<Tensor> Apply(Graph graph, IEnumerable<string> names)
    {
        var removed = new List<Tensor>();
        foreach (var name in names)
        {
            var t = graph.FindInitializer(name) ?? throw new KeyNotFoundException($"Graph '{graph.Name}' has no initializer '{name}' to promote.");
            graph.Initializers.Remove(t);
            graph.Inputs.Add(new ValueInfo(name, t.Type));
            removed.Add(t);
        }
        return removed;
    }
}
