using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;

namespace OnnxTrainer.Autodiff.Steps;

/// <summary>
/// The evaluation step: forward in inference form (no dropout, batch norm with moving statistics), loss and metric.
/// Inputs: "input", "target" and the same trainable parameters and states as the train step (so the trainer feeds
/// the values it already holds); outputs: "loss", "acc" and "output" (probabilities).
/// </summary>
public sealed record EvalStepGraph(OnnxTrainer.Onnx.Graph Graph, IReadOnlyList<string> CarriedInputs)
{
    public static EvalStepGraph Build(Model model, Weights weights, LossKind loss)
    {
        var fwd = ForwardGraph.Build(model, weights, training: false);
        var graph = fwd.Graph;
        graph.Name = model.Name + "/eval_step";
        var carried = model.CarriedParams.Select(p => p.Name).ToList();
        PromoteToInputs.Apply(graph, carried);
        graph.Outputs.Clear();
        var b = new OnnxTrainer.Onnx.GraphBuilder(graph);
        string target = b.Input(Targets.Name, Targets.TypeFor(loss, model));
        string lossValue;
        using (b.Scope("loss")) lossValue = Loss.Build(b, loss, fwd.Logits, fwd.Output, target);
        string acc;
        using (b.Scope("metric")) acc = Targets.Metric(b, model, fwd.Output, target);
        b.Op("Identity", [lossValue], TrainStepGraph.LossOutput);
        b.Op("Identity", [acc], TrainStepGraph.MetricOutput);
        b.Output(TrainStepGraph.LossOutput);
        b.Output(TrainStepGraph.MetricOutput);
        b.Output(fwd.Output);
        Prune.Apply(graph);
        return new EvalStepGraph(graph, carried);
    }
}
