using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Tests.Networks;

/// <summary>Splitting a network into the base that computes a value and the head that reads it.</summary>
public class NetworkCutTests
{
    [Fact]
    public void A_cut_of_a_zoo_model_keeps_each_side_s_nodes_weights_and_masks()
    {
        var net = ZooNetwork.Initialize(Zoo.Build("catsdogs-convnet-dropout", new ZooOptions { InputShape = [64, 64, 3] }), 1);
        var cut = NetworkCut.At(net, "conv2d_4");
        Assert.Equal("conv2d_4/out", cut.Value);
        Assert.Equal("conv2d_4/out", cut.Base.Output);
        Assert.Equal(OutputKind.Linear, cut.Base.OutputKind);
        Assert.Equal(8, cut.Base.Parameters.Count);
        Assert.Empty(cut.Base.Masks);
        Assert.Equal(new long[] { 128, 4, 4 }, cut.Head.Input.ExampleDims); // 64 -> 62, 31, 29, 14, 12, 6, 4
        Assert.Equal(["conv2d_4/out", "dropout_1/mask"], cut.Head.Graph.Inputs.Select(i => i.Name));
        Assert.Equal(["dense_1/W", "dense_1/B", "dense_2/W", "dense_2/B"], cut.Head.Parameters.Select(p => p.Name));
        Assert.Single(cut.Head.Masks);
        Assert.Equal(OutputKind.Sigmoid, cut.Head.OutputKind);
        Assert.Equal(net.ParamCount, cut.Base.ParamCount + cut.Head.ParamCount);
    }

    [Fact]
    public void A_connection_across_the_cut_is_refused()
    {
        // x -> a = Relu(x) -> b = Relu(a) -> y = Add(b, a): cutting at b leaves Add reading a from below
        var g = new GraphBuilder("residual");
        string x = g.Input("input", TensorType.Float(TensorType.Batch, 1, 4, 4));
        string a = g.Op("Relu", [x], "a");
        string b = g.Op("Relu", [a], "b");
        string y = g.Op("Add", [b, a], "y");
        g.Output(y);
        var net = FileNetwork.FromGraph(g.Graph, "residual.onnx");
        var e = Assert.Throws<ModelException>(() => NetworkCut.At(net, "b"));
        Assert.Equal("Cannot cut network 'residual.onnx' at 'b': node 'y' above the cut also reads 'a', which is computed below it " +
                     "(a connection crosses the cut). Cut at a value that everything above depends on only through it.", e.Message);
        Assert.Equal("y", NetworkCut.At(net, "y").Base.Output); // after the join the cut is clean
    }
}
