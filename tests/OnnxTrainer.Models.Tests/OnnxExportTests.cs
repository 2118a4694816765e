using OnnxTrainer.Onnx;
using Onnx;

namespace OnnxTrainer.Models.Tests;

/// <summary>Exported zoo models are valid ONNX: versions set, typed and shaped inputs/outputs, deterministic bytes.</summary>
public class OnnxExportTests
{
    private static Graph Forward(ZooCase c, long seed = 1, bool training = false)
    {
        var model = c.Build();
        return ForwardGraph.Build(model, Weights.Initialize(model, seed), training).Graph;
    }

    private static void AssertFullyTyped(ValueInfoProto v)
    {
        Assert.Equal(TypeProto.ValueOneofCase.TensorType, v.Type.ValueCase);
        Assert.Equal((int)ElementType.Float, v.Type.TensorType.ElemType);
        var dims = v.Type.TensorType.Shape.Dim;
        Assert.True(dims.Count >= 2, $"{v.Name} has rank {dims.Count}");
        Assert.Equal("N", dims[0].DimParam);
        Assert.All(dims.Skip(1), d =>
        {
            Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, d.ValueCase);
            Assert.True(d.DimValue > 0, $"{v.Name} has a dimension {d.DimValue}");
        });
    }

    [Theory]
    [MemberData(nameof(ZooCase.SmallKeys), MemberType = typeof(ZooCase))]
    public void Model_proto_has_versions_and_fully_shaped_inputs_and_outputs(string key)
    {
        var c = ZooCase.ByKey(key);
        foreach (bool training in new[] { false, true })
        {
            var proto = ModelProto.Parser.ParseFrom(OnnxModel.ToBytes(Forward(c, training: training)));
            Assert.True(proto.IrVersion >= 8, $"ir_version {proto.IrVersion}");
            var opset = Assert.Single(proto.OpsetImport);
            Assert.Equal("", opset.Domain);
            Assert.True(opset.Version >= 17, $"opset {opset.Version}");
            Assert.Equal("OnnxTrainer", proto.ProducerName);
            Assert.All(proto.Graph.Input, AssertFullyTyped);
            Assert.All(proto.Graph.Output, AssertFullyTyped);
            Assert.Equal(ForwardGraph.InputName, proto.Graph.Input[0].Name);
            Assert.Equal([ForwardGraph.OutputName], proto.Graph.Output.Select(o => o.Name));
            // Weights are initializers (and not graph inputs), one per parameter plus shared constants.
            var model = c.Build();
            Assert.Equal(model.AllParams.Select(p => p.Name), proto.Graph.Initializer.Select(t => t.Name).Where(n => !n.StartsWith("const/", StringComparison.Ordinal)));
            Assert.DoesNotContain(proto.Graph.Input, i => model.AllParams.Any(p => p.Name == i.Name));
        }
    }

    [Theory]
    [MemberData(nameof(ZooCase.SmallKeys), MemberType = typeof(ZooCase))]
    public void Graph_to_bytes_to_graph_to_bytes_is_byte_identical(string key)
    {
        var c = ZooCase.ByKey(key);
        foreach (bool training in new[] { false, true })
        {
            var graph = Forward(c, training: training);
            graph.Metadata["onnx_trainer.model"] = c.Model;
            var bytes = OnnxModel.ToBytes(graph);
            var back = OnnxModel.FromBytes(bytes);
            Assert.Equal(bytes, OnnxModel.ToBytes(back));
            Assert.Equal(GraphText.Render(graph), GraphText.Render(back));
        }
    }

    [Fact]
    public void Same_model_and_seed_give_identical_bytes_another_seed_does_not()
    {
        var c = new ZooCase("catsdogs-convnet-dropout", Input: [64, 64, 3]);
        var a = OnnxModel.ToBytes(Forward(c, seed: 4));
        var b = OnnxModel.ToBytes(Forward(c, seed: 4));
        var other = OnnxModel.ToBytes(Forward(c, seed: 5));
        Assert.Equal(a, b);
        Assert.Equal(a.Length, other.Length);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void Saved_files_are_identical_for_the_same_model_and_seed()
    {
        var dir = Directory.CreateTempSubdirectory("onnxtrainer-export-");
        try
        {
            var c = new ZooCase("vgg16-base", "conv32-dense256", [96, 96, 3]);
            string first = Path.Combine(dir.FullName, "a.onnx"), second = Path.Combine(dir.FullName, "b.onnx");
            OnnxModel.Save(Forward(c, seed: 12), first);
            OnnxModel.Save(Forward(c, seed: 12), second);
            Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
            Assert.Equal(["a.onnx", "b.onnx"], dir.GetFiles().Select(f => f.Name).Order());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Weights_survive_the_round_trip_exactly()
    {
        var model = Zoo.Build("santa-convnet", new());
        var weights = Weights.Initialize(model, seed: 6);
        var back = OnnxModel.FromBytes(OnnxModel.ToBytes(ForwardGraph.Build(model, weights, training: false).Graph));
        foreach (var p in model.AllParams)
        {
            var t = back.FindInitializer(p.Name);
            Assert.NotNull(t);
            Assert.Equal(p.Dims, t.Dims);
            Assert.Equal(weights[p.Name].Floats, t.Floats);
        }
    }

    [Fact]
    public void Metadata_props_are_written_in_key_order_and_read_back()
    {
        var graph = Forward(new ZooCase("mnist-convnet"));
        graph.Metadata["onnx_trainer.model"] = "mnist-convnet";
        graph.Metadata["onnx_trainer.input_shape"] = "28,28,1";
        graph.Metadata["onnx_trainer.layout"] = "NCHW";
        var proto = ModelProto.Parser.ParseFrom(OnnxModel.ToBytes(graph));
        Assert.Equal(["onnx_trainer.input_shape", "onnx_trainer.layout", "onnx_trainer.model"], proto.MetadataProps.Select(p => p.Key));
        Assert.Equal("28,28,1", proto.MetadataProps[0].Value);
        Assert.Equal(graph.Metadata, OnnxModel.FromProto(proto).Metadata);
    }
}
