using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Training.Tests.Transfer;

/// <summary>
/// The train steps of listings 5.20-5.23 (vgg16-base + dense256 with the base frozen, then trainable from
/// block5_conv1), at 32x32 to keep them small, as snapshots in onnx-graphs/transfer/, and what their backward
/// part may and may not contain.
/// </summary>
public class TransferStepGraphTests
{
    private static TrainStepGraph Step(string? trainableFrom)
    {
        var zoo = Zoo.Build("vgg16-base", new ZooOptions { Head = "dense256", InputShape = [32, 32, 3], Classes = 1 });
        var zeros = new Weights(); // the text form never shows weight values
        foreach (var p in zoo.AllParams) zeros.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        var model = ZooNetwork.Build(zoo, zeros);
        model = trainableFrom is null ? model.FreezeBase() : model.TrainableFrom(trainableFrom);
        return TrainStepGraph.Build(model, Targets.DefaultLoss(model), Optimizer.Create("rmsprop"));
    }

    private static List<string> BackwardLayers(TrainStepGraph step) =>
        step.Graph.Nodes.SelectMany(n => n.Outputs).Where(o => o.StartsWith("grad/", StringComparison.Ordinal))
            .Select(o => o.Split('/')[1]).Distinct().ToList();

    [Fact]
    public void Frozen_base_has_no_backward_node_below_the_head()
    {
        var step = Step(trainableFrom: null);
        Approval.Verify("onnx-graphs/transfer/vgg16-base+dense256.freeze-base.32x32.train-step.txt", GraphText.Render(step.Graph));

        Assert.Equal(["dense_1/W", "dense_1/B", "dense_2/W", "dense_2/B"], step.Parameters.Select(p => p.Value));
        Assert.Equal(["loss", "dense_2", "dense_1"], BackwardLayers(step));
        // dense_1 gets its weight gradient X^T dY, but no input gradient dY W^T: nothing below it trains.
        Assert.Contains(step.Graph.Nodes, n => n.OpType == "Gemm" && n.Inputs[0] == "flatten_1/out" && n.Outputs[0].StartsWith("grad/dense_1/", StringComparison.Ordinal));
        Assert.DoesNotContain(step.Graph.Nodes, n => n.Inputs.Contains("dense_1/W") && n.Outputs[0].StartsWith("grad/", StringComparison.Ordinal));
        Assert.DoesNotContain(step.Graph.Nodes, n => n.OpType is "ConvTranspose" or "ScatterElements");
        Assert.Contains(step.Graph.Initializers, t => t.Name == "block5_conv3/W"); // frozen weights stay constants
    }

    [Fact]
    public void Fine_tuning_from_block5_conv1_stops_the_backward_pass_there()
    {
        var step = Step(trainableFrom: "block5_conv1");
        Approval.Verify("onnx-graphs/transfer/vgg16-base+dense256.trainable-from-block5_conv1.32x32.train-step.txt", GraphText.Render(step.Graph));

        Assert.Equal(["block5_conv1", "block5_conv2", "block5_conv3", "dense_1", "dense_2"],
            step.Parameters.Select(p => p.Value.Split('/')[0]).Distinct());
        var layers = BackwardLayers(step);
        Assert.Equal(["loss", "dense_2", "dense_1", "flatten_1", "block5_pool", "block5_conv3", "block5_conv2", "block5_conv1"], layers);
        // block5_conv1 needs only its weight gradient: no input gradient flows into block4_pool.
        Assert.DoesNotContain(step.Graph.Nodes, n => n.OpType == "ConvTranspose" && n.Inputs.Contains("block5_conv1/W"));
        Assert.Contains(step.Graph.Nodes, n => n.OpType == "ConvTranspose" && n.Inputs.Contains("block5_conv2/W"));
        Assert.Contains(step.Graph.Initializers, t => t.Name == "block4_conv3/W");
    }
}
