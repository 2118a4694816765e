using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>Prune removes what no output needs and keeps the graph's inputs.</summary>
public class PruneTests
{
    [Fact]
    public void Nodes_and_initializers_no_output_reaches_go_inputs_stay()
    {
        var b = new GraphBuilder("g");
        string x = b.Input("x", TensorType.Float(TensorType.Batch, 3));
        string unused = b.Input("unused", TensorType.Float(TensorType.Batch, 3));
        string w = b.Floats("w", [1f, 2f, 3f], 3);
        string dead = b.Floats("dead", [4f, 5f, 6f], 3);
        b.Output(b.Op("Mul", [x, w], "y"));
        b.Op("Add", [x, dead], "z");      // reaches no output
        b.Op("Neg", [unused], "n");       // neither
        var result = Prune.Apply(b.Graph);
        Assert.Equal(["y"], b.Graph.Nodes.Select(n => n.Name));
        Assert.Equal(["w"], b.Graph.Initializers.Select(t => t.Name));
        Assert.Equal(["x", "unused"], b.Graph.Inputs.Select(i => i.Name));
        Assert.False(b.Graph.Types.ContainsKey("z"));
        Assert.Equal((0, 2, 0), (result.NodesAdded, result.NodesRemoved, result.NodesChanged));
        Assert.False(Prune.Apply(b.Graph).Changed);
    }
}
