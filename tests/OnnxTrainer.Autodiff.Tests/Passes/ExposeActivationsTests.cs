using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>Listing 5.27's activation model: a network's first feature maps become graph outputs, named for the runtime.</summary>
public class ExposeActivationsTests
{
    [Fact]
    public void First_eight_feature_maps_of_the_catsdogs_convnet_are_its_conv_and_pool_outputs()
    {
        var model = Zoo.Build("catsdogs-convnet", new ZooOptions());
        var weights = new Weights();
        foreach (var p in model.AllParams) weights.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        var network = ZooNetwork.Build(model, weights);
        var graph = ForwardGraph.Build(model, weights, training: false).Graph;
        ExplainOutputs.Apply(graph, "conv2d_4/out"); // adds grad/... values that are no layers
        var maps = network.FeatureMaps.Take(20).Select(l => (l.Name, l.Output)).ToList();
        var result = ExposeActivations.Apply(graph, maps);
        Assert.Equal(["conv2d_1", "maxpooling2d_1", "conv2d_2", "maxpooling2d_2", "conv2d_3", "maxpooling2d_3", "conv2d_4", "maxpooling2d_4"],
            result.Values.Keys);
        Assert.Equal("conv2d_1/out", result.Values["conv2d_1"]);
        Assert.Equal(8, result.OutputsAdded.Count);
        // listing 5.28: the first is (1, 148, 148, 32) in Keras, [N, 32, 148, 148] here
        Assert.Equal("f32[N,32,148,148]", graph.Outputs.Single(o => o.Name == "conv2d_1/out").Type.ToString());
        var again = ExposeActivations.Apply(graph, maps.Take(2).ToList());
        Assert.Empty(again.OutputsAdded);
        Assert.Equal("[[\"conv2d_1\",\"conv2d_1/out\"],[\"maxpooling2d_1\",\"maxpooling2d_1/out\"]]", graph.Metadata[ExposeActivations.MetadataKey]);
        Assert.Equal(1 + 4 + 8, graph.Outputs.Count); // output, explain/*, the eight, none twice
    }

    [Fact]
    public void A_value_that_is_no_feature_map_is_refused()
    {
        var model = Zoo.Build("mnist-convnet", new ZooOptions());
        var graph = ForwardGraph.Build(model, Weights.Initialize(model, 1), training: false).Graph;
        var e = Assert.Throws<ArgumentException>(() => ExposeActivations.Apply(graph, [("flatten_1", "flatten_1/out")]));
        Assert.StartsWith("'flatten_1/out' (layer 'flatten_1') is not a feature map [N,K,h,w] of graph 'mnist-convnet'.", e.Message);
    }
}
