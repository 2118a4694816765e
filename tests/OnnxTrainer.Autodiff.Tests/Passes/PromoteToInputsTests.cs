using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>PromoteToInputs turns initializers into inputs a step session feeds.</summary>
public class PromoteToInputsTests
{
    [Fact]
    public void Initializers_become_inputs_of_the_same_type_in_the_given_order()
    {
        var b = new GraphBuilder("g");
        string x = b.Input("x", TensorType.Float(TensorType.Batch, 2));
        b.Floats("w", [1f, 2f], 2);
        b.Floats("v", [3f, 4f], 2);
        b.Output(b.Op("Add", [b.Op("Mul", [x, "w"]), "v"], "y"));
        var result = PromoteToInputs.Apply(b.Graph, ["v", "w"]);
        Assert.Equal(["v", "w"], result.InputsAdded);
        Assert.Equal(["x", "v", "w"], b.Graph.Inputs.Select(i => i.Name));
        Assert.Equal("f32[2]", b.Graph.Inputs[1].Type.ToString());
        Assert.DoesNotContain(b.Graph.Initializers, t => t.Name is "v" or "w");
        var e = Assert.Throws<KeyNotFoundException>(() => PromoteToInputs.Apply(b.Graph, ["w"]));
        Assert.Equal("Graph 'g' has no initializer 'w' to promote.", e.Message);
    }
}
