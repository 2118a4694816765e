using OnnxTrainer.Autodiff.Gradients;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Steps;

/// <summary>
/// One training step as one graph: forward (training form), loss, gradients of the trainable parameters,
/// optimizer update, metric. Inputs: "input", "target", "lr", "step", fed dropout masks, and the current
/// trainable parameters, optimizer slots and batch-norm statistics; outputs: "loss", "acc" and the next value
/// of every one of those tensors ("new/..."). Frozen weights stay initializers inside the graph.
/// </summary>
public sealed record TrainStepGraph(
    Graph Graph,
    Network Network,
    LossKind Loss,
    Optimizer Optimizer,
    IReadOnlyList<StepBinding> Parameters,
    IReadOnlyList<StepBinding> Slots,
    IReadOnlyList<StepBinding> States,
    IReadOnlyList<DropoutMask> Masks)
{
    /// <summary>The image batch input (the network's input).</summary>
    public const string Input = ForwardGraph.InputName;
    /// <summary>The targets input; its type is <see cref="Targets.TypeFor"/>.</summary>
    public const string Target = Targets.Name;
    /// <summary>The learning-rate input, float scalar [].</summary>
    public const string LearningRate = "lr";
    /// <summary>The update-count input, float scalar [], 1 for the first step (Adam's bias correction reads it).</summary>
    public const string Step = "step";
    /// <summary>The mean loss over the batch, float scalar [].</summary>
    public const string LossOutput = "loss";
    /// <summary>The batch accuracy (Keras 'acc'), float scalar [] in [0, 1].</summary>
    public const string MetricOutput = "acc";

    /// <summary>Every tensor carried from one step to the next: parameters, then slots, then states.</summary>
    public IEnumerable<StepBinding> Carried => Parameters.Concat(Slots).Concat(States);

    /// <summary>Values to start from: the network's weights for parameters and states, zeros for optimizer slots.</summary>
    public Dictionary<string, Tensor> InitialCarried()
    {
        var initial = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var weights = Network.CurrentWeights();
        foreach (var binding in Parameters.Concat(States)) initial[binding.Value] = weights[binding.Value];
        foreach (var slot in Slots)
        {
            var dims = Graph.TypeOf(slot.Value).Dims;
            initial[slot.Value] = Tensor.FromFloats(slot.Value, new float[Shapes.Product(dims)], dims);
        }
        return initial;
    }

    /// <summary>
    /// The step of <paramref name="network"/>: gradients for its trainable parameters only (the walk stops below the
    /// lowest one), batch-norm statistics carried and updated where its layers train in batch-statistics mode.
    /// </summary>
    /// <exception cref="OnnxTrainer.Models.ModelException">Every layer is frozen, or the loss does not fit the network's output (binary crossentropy on more than one unit).</exception>
    /// <exception cref="ArgumentException">The loss's target type does not fit the network's output.</exception>
    public static TrainStepGraph Build(Network network, LossKind loss, Optimizer optimizer)
    {
        var graph = network.Graph.Clone();
        graph.Name = network.Name + "/train_step";
        var trainable = network.Trainable.Select(p => p.Name).ToList();
        if (trainable.Count == 0)
            throw new ModelException($"Network '{network.Name}' has no trainable parameters: every layer is frozen.");
        var stateUpdates = BatchNormStates(network, graph);
        var stateNames = stateUpdates.Select(s => s.Param).ToList();
        PromoteToInputs.Apply(graph, trainable.Concat(stateNames));
        graph.Outputs.Clear();

        var b = new GraphBuilder(graph);
        string target = b.Input(Target, Targets.TypeFor(loss, network));
        string lr = b.Input(LearningRate, TensorType.Float());
        string step = b.Input(Step, TensorType.Float());

        string lossValue;
        using (b.Scope("loss")) lossValue = Losses.Loss.Build(b, loss, network.Logits, network.Output, target);
        string acc;
        using (b.Scope("metric")) acc = Targets.Metric(b, network, network.Output, target);
        b.Op("Identity", [lossValue], LossOutput);
        b.Op("Identity", [acc], MetricOutput);
        b.Output(LossOutput);
        b.Output(MetricOutput);

        var grads = GradientPass.Build(b, lossValue, trainable);

        var updates = AddOptimizerUpdate.Add(b, optimizer, trainable.Select(p => KeyValuePair.Create(p, grads[p])).ToList(), lr, step);
        var parameters = updates.Select(u => u[0]).ToList();
        var slots = updates.SelectMany(u => u.Skip(1)).ToList();
        var states = stateUpdates
            .Select(s => new StepBinding(s.Param, b.Op("Identity", [s.NewValue], "new/" + s.Param)))
            .ToList();
        foreach (var binding in parameters.Concat(slots).Concat(states)) b.Output(binding.NewValue);

        // The forward output "output" is not a step output; keep graph inputs in a stable order.
        Prune.Apply(graph);
        return new TrainStepGraph(graph, network, loss, optimizer, parameters, slots, states, network.Masks);
    }

    /// <summary>
    /// The state updates a step carries: in batch-statistics mode, the BatchNormalization nodes whose scale trains run
    /// with batch statistics (the BatchNormTraining pass) and their moving statistics are carried and updated; every other
    /// BatchNormalization node keeps its moving statistics as constants (inference mode).
    /// </summary>
    private static IReadOnlyList<StateUpdate> BatchNormStates(Network network, Graph graph)
    {
        if (network.BatchNormMode == BatchNormMode.Frozen) return [];
        var trainable = network.Trainable.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var nodes = graph.Nodes.Where(n => n.OpType == "BatchNormalization" && n.Inputs.Count > 1 && trainable.Contains(n.Inputs[1]))
            .Select(n => n.Name).ToList();
        return [.. network.StateUpdates, .. BatchNormTraining.Updates(BatchNormTraining.Apply(graph, nodes))];
    }
}
