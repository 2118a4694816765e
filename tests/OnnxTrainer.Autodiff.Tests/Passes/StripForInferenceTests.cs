using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>The training form of a network, stripped, is the inference form the zoo emits (so exports are unchanged).</summary>
public class StripForInferenceTests
{
    public static TheoryData<string, long[]?, string?> Models => new()
    {
        { "mnist-convnet", null, null },
        { "catsdogs-convnet", [64, 64, 3], null },
        { "catsdogs-convnet-dropout", [64, 64, 3], null },
        { "santa-convnet", null, null },
        { "vgg16-base", [32, 32, 3], "dense256-dropout" },
        { "vgg16-base", [96, 96, 3], "conv32-dense256" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Stripped_training_form_equals_the_inference_form(string name, long[]? input, string? head)
    {
        var model = Zoo.Build(name, new ZooOptions { InputShape = input, Head = head });
        var weights = new Weights();
        foreach (var p in model.AllParams) weights.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        var network = ZooNetwork.Build(model, weights);
        var graph = network.Graph.Clone();
        var result = StripForInference.Apply(graph, network.Masks.Select(m => m.Input));
        Assert.Equal(GraphText.Render(ForwardGraph.Build(model, weights, training: false).Graph), GraphText.Render(graph));
        Assert.Equal(network.Masks.Select(m => m.Input), result.InputsRemoved);
        Assert.Equal(network.Masks.Count, result.NodesRemoved);
        Assert.Equal(0, result.NodesAdded);
        Assert.Equal(network.Masks.Count, result.NodesChanged); // the layer after each dropout reads its input instead
        Assert.Equal(network.Masks.Count > 0, result.Changed);
    }

    [Fact]
    public void A_dropout_that_is_the_graph_output_becomes_an_identity()
    {
        var b = new GraphBuilder("g");
        string x = b.Input("x", TensorType.Float(TensorType.Batch, 3));
        string mask = b.Input("d/mask", TensorType.Float(TensorType.Batch, 3));
        b.Output(b.Op("Mul", [x, mask], "y"));
        var result = StripForInference.Apply(b.Graph, ["d/mask"]);
        Assert.Equal("y: f32[N,3] = Identity(x)", GraphText.Render(b.Graph).Split('\n').Single(l => l.StartsWith("y:", StringComparison.Ordinal)));
        Assert.Equal(["x"], b.Graph.Inputs.Select(i => i.Name));
        Assert.Equal((0, 0, 1), (result.NodesAdded, result.NodesRemoved, result.NodesChanged));
    }
}
