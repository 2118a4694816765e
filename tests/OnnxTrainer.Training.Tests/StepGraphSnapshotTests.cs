using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Training.Tests;

/// <summary>The train-step and eval-step graphs of the zoo's small models, as reviewable snapshots in onnx-graphs/.</summary>
public class StepGraphSnapshotTests
{
    public static TheoryData<string> Models => ["mnist-convnet", "catsdogs-convnet", "catsdogs-convnet-dropout"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Train_and_eval_step_graphs_match_their_snapshots(string name)
    {
        var model = ZooNetwork.Initialize(Zoo.Build(name, new ZooOptions()), 1);
        var loss = Targets.DefaultLoss(model);
        var train = TrainStepGraph.Build(model, loss, Optimizer.Create("rmsprop"));
        Approval.Verify($"onnx-graphs/steps/{name}.train-step.txt", GraphText.Render(train.Graph));
        Approval.Verify($"onnx-graphs/steps/{name}.eval-step.txt", GraphText.Render(EvalStepGraph.For(train).Graph));
    }

    [Fact]
    public void Train_step_feeds_parameters_and_slots_and_returns_their_next_values()
    {
        var model = ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), 1);
        var step = TrainStepGraph.Build(model, Autodiff.Losses.LossKind.CategoricalCrossentropy, Optimizer.Create("rmsprop"));
        var inputs = step.Graph.Inputs.Select(v => v.Name).ToHashSet();
        var outputs = step.Graph.Outputs.Select(v => v.Name).ToList();
        Assert.Equal(["loss", "acc"], outputs.Take(2));
        Assert.Equal(10, step.Parameters.Count);
        foreach (var b in step.Carried)
        {
            Assert.Contains(b.Value, inputs);
            Assert.Contains(b.NewValue, outputs);
            Assert.Equal(step.Graph.TypeOf(b.Value), step.Graph.TypeOf(b.NewValue));
        }
        Assert.DoesNotContain(step.Graph.Initializers, t => t.Name.EndsWith("/W", StringComparison.Ordinal));
        // The input gradient of the first conv is never computed: no backward op reads the batch's gradient.
        Assert.DoesNotContain(step.Graph.Nodes, n => n.OpType == "ConvTranspose" && n.Inputs.Contains("conv2d_1/W"));
    }
}
