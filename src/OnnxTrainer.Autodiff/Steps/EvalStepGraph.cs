using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Steps;

/// <summary>
/// The evaluation step: the network's inference form (no dropout, batch norm with moving statistics), loss and metric.
/// Inputs: "input", "target" and the same trainable parameters and states as the train step (so the trainer feeds
/// the values it already holds); outputs: "loss", "acc" and "output" (probabilities).
/// </summary>
public sealed record EvalStepGraph(Graph Graph, IReadOnlyList<string> CarriedInputs)
{
    /// <summary>The eval step; <paramref name="carried"/> are the parameters and states a trainer holds (default: none, all constants).</summary>
    /// <exception cref="OnnxTrainer.Models.ModelException">Binary crossentropy on a network with more than one output unit.</exception>
    /// <exception cref="KeyNotFoundException">A <paramref name="carried"/> name is not a weight of the network.</exception>
    public static EvalStepGraph Build(Network network, LossKind loss, IEnumerable<string>? carried = null)
    {
        var graph = network.Graph.Clone();
        graph.Name = network.Name + "/eval_step";
        StripForInference.Apply(graph, network.Masks.Select(m => m.Input));
        var carriedList = (carried ?? []).ToList();
        PromoteToInputs.Apply(graph, carriedList);
        graph.Outputs.Clear();
        var b = new GraphBuilder(graph);
        string target = b.Input(Targets.Name, Targets.TypeFor(loss, network));
        string lossValue;
        using (b.Scope("loss")) lossValue = Loss.Build(b, loss, network.Logits, network.Output, target);
        string acc;
        using (b.Scope("metric")) acc = Targets.Metric(b, network, network.Output, target);
        b.Op("Identity", [lossValue], TrainStepGraph.LossOutput);
        b.Op("Identity", [acc], TrainStepGraph.MetricOutput);
        b.Output(TrainStepGraph.LossOutput);
        b.Output(TrainStepGraph.MetricOutput);
        b.Output(network.Output);
        Prune.Apply(graph);
        return new EvalStepGraph(graph, carriedList);
    }

    /// <summary>The eval step of a train step's network, fed the parameters and states the train step carries.</summary>
    public static EvalStepGraph For(TrainStepGraph step) =>
        Build(step.Network, step.Loss, step.Parameters.Concat(step.States).Select(c => c.Value));
}
