using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>Listing 5.27's activation model: the first feature maps of a model become graph outputs.</summary>
public class ExposeActivationsTests
{
    [Fact]
    public void First_eight_layers_of_the_catsdogs_convnet_are_its_conv_and_pool_outputs()
    {
        var model = Zoo.Build("catsdogs-convnet", new ZooOptions());
        var weights = new Weights();
        foreach (var p in model.AllParams) weights.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        var graph = ForwardGraph.Build(model, weights, training: false).Graph;
        ExplainOutputs.Apply(graph, "conv2d_4/out"); // adds grad/... values that must not count as layers
        var exposed = ExposeActivations.Apply(graph, 8);
        Assert.Equal(["conv2d_1/out", "maxpooling2d_1/out", "conv2d_2/out", "maxpooling2d_2/out",
            "conv2d_3/out", "maxpooling2d_3/out", "conv2d_4/out", "maxpooling2d_4/out"], exposed);
        // listing 5.28: the first is (1, 148, 148, 32) in Keras, [N, 32, 148, 148] here
        Assert.Equal("f32[N,32,148,148]", graph.Outputs.Single(o => o.Name == "conv2d_1/out").Type.ToString());
        Assert.Equal(exposed, ExposeActivations.Apply(graph, 20)); // only eight feature maps exist
        Assert.Equal(1 + 4 + 8, graph.Outputs.Count);              // output, explain/*, the eight, none twice
    }
}
