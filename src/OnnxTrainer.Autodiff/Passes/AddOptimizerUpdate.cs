using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: the optimizer update of a train step, (params, grads, slots, lr, step) -> (params', slots'). For each parameter
/// it adds one graph input per optimizer slot (named "optimizer/slot/param") and the nodes of the update (under the
/// scope "update"). The result's values map each parameter and each slot to its next value.
/// </summary>
public static class AddOptimizerUpdate
{
    /// <param name="graph">The graph holding the parameters (as inputs) and their gradients.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="gradients">Parameter name -> its gradient value, in the order the step carries them.</param>
    /// <param name="learningRate">The scalar learning-rate value.</param>
    /// <param name="step">The scalar step-number value (1 for the first update).</param>
    /// <exception cref="ArgumentException">A parameter, gradient, lr or step does not fit the optimizer (see <see cref="Optimizer.Emit"/>).</exception>
    /// <exception cref="InvalidOperationException">The graph already has a value named like one of the slots.</exception>
    public static PassResult Apply(Graph graph, Optimizer optimizer, IReadOnlyList<KeyValuePair<string, string>> gradients, string learningRate, string step) =>
        PassResult.Of(nameof(AddOptimizerUpdate), graph, () => Add(new GraphBuilder(graph), optimizer, gradients, learningRate, step)
            .SelectMany(u => u).ToDictionary(b => b.Value, b => b.NewValue, StringComparer.Ordinal));

    /// <summary>The update on a builder already working on the graph: per parameter, its binding first, then its slots'.</summary>
    public static IReadOnlyList<IReadOnlyList<StepBinding>> Add(GraphBuilder b, Optimizer optimizer,
        IReadOnlyList<KeyValuePair<string, string>> gradients, string learningRate, string step)
    {
        var result = new List<IReadOnlyList<StepBinding>>();
        using (b.Scope("update"))
        {
            foreach (var (p, grad) in gradients)
            {
                var dims = b.Graph.TypeOf(p).Dims;
                var slotInputs = optimizer.SlotKinds
                    .Select(kind => b.Input(optimizer.SlotName(kind, p), TensorType.Float(dims)))
                    .ToList();
                var update = optimizer.Emit(b, p, grad, slotInputs, learningRate, step);
                var bindings = new List<StepBinding> { new(p, update.NewParam) };
                for (int k = 0; k < slotInputs.Count; k++) bindings.Add(new StepBinding(slotInputs[k], update.NewSlots[k]));
                result.Add(bindings);
            }
        }
        return result;
    }
}
