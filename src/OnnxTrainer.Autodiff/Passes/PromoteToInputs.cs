using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: turns initializers into graph inputs of the same name and type, so a step session can be fed the
/// current parameter values instead of baking them in. The result's inputs added are those names, in order.
/// </summary>
public static class PromoteToInputs
{
    /// <summary>Moves each named initializer of <paramref name="graph"/> to a graph input of the same name and type (the data is dropped).</summary>
    /// <exception cref="KeyNotFoundException">A name is not an initializer of the graph.</exception>
    public static PassResult Apply(Graph graph, IEnumerable<string> names) => PassResult.Of(nameof(PromoteToInputs), graph, () =>
    {
        foreach (var name in names)
        {
            var t = graph.FindInitializer(name) ?? throw new KeyNotFoundException($"Graph '{graph.Name}' has no initializer '{name}' to promote.");
            graph.Initializers.Remove(t);
            graph.Inputs.Add(new ValueInfo(name, t.Type));
        }
        return PassResult.NoValues;
    });
}
