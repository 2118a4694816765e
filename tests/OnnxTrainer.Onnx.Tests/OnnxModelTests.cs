using Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Onnx.Tests;

/// <summary>OnnxModel: Graph to ModelProto bytes and back, without loss, and atomic saving.</summary>
public class OnnxModelTests
{
    /// <summary>A graph using every attribute kind, an omitted optional input, int64 constants, metadata and an unknown dim.</summary>
    private static Graph Sample()
    {
        var b = new GraphBuilder("sample");
        string x = b.Input("x", TensorType.Float(TensorType.Batch, 2, 4, 4));
        b.Initializer(Tensor.FromFloats("w", Numeric.Random(2 * 2 * 3 * 3, 1), 2, 2, 3, 3));
        string conv = b.Op("Conv", [x, "w", ""], "conv",
            GraphBuilder.A("kernel_shape", new long[] { 3, 3 }), GraphBuilder.A("pads", new long[] { 1, 1, 1, 1 }), GraphBuilder.A("group", 1L));
        string pooled = b.Op("AveragePool", [conv], null, GraphBuilder.A("kernel_shape", new long[] { 2, 2 }), GraphBuilder.A("strides", new long[] { 2, 2 }));
        string flat = b.Op("Reshape", [pooled, b.Ints(0, -1)], "flat");
        string scaled = b.Op("Mul", [flat, b.Const(0.5f)]);
        // LeakyRelu has no shape rule (the builder never emits it): its type is given.
        string act = b.Node("LeakyRelu", [scaled], 1, [GraphBuilder.A("alpha", 0.25f)], ["act"], [b.TypeOf(scaled)])[0];
        b.Output(act);
        b.Node("Identity", [act], 1, [new NodeAttribute("note", "text"), new NodeAttribute("floats", new[] { 1.5f, -2f }),
            new NodeAttribute("value", Tensor.FromInt64s("", [3, 4], 2))], ["tagged"], [TensorType.Float(TensorType.Batch, TensorType.Unknown)]);
        b.Output("tagged");
        b.Graph.Metadata["b.key"] = "2";
        b.Graph.Metadata["a.key"] = "1";
        return b.Graph;
    }

    [Fact]
    public void Round_trip_is_byte_identical_and_keeps_everything()
    {
        var g = Sample();
        var bytes = OnnxModel.ToBytes(g);
        var back = OnnxModel.FromBytes(bytes);
        Assert.Equal(bytes, OnnxModel.ToBytes(back));
        Assert.Equal(GraphText.Render(g), GraphText.Render(back));
        Assert.Equal(g.Initializers.Select(t => t.Name), back.Initializers.Select(t => t.Name));
        Assert.Equal(g.FindInitializer("w")!.Floats, back.FindInitializer("w")!.Floats);
        Assert.Equal(new long[] { 0, -1 }, back.FindInitializer("const/i64[0,-1]")!.Int64s);
        var tagged = back.Nodes[^1];
        Assert.Equal("text", tagged.Str("note", ""));
        Assert.Equal(new[] { 1.5f, -2f }, tagged.Attr("floats"));
        Assert.Equal(new long[] { 3, 4 }, Assert.IsType<Tensor>(tagged.Attr("value")).Int64s);
        Assert.Equal(0.25f, back.Nodes.Single(n => n.OpType == "LeakyRelu").Float("alpha", 0));
        Assert.Equal(["x", "w", ""], back.Nodes[0].Inputs);
        Assert.Equal(["a.key", "b.key"], back.Metadata.Keys);
    }

    [Fact]
    public void Proto_has_versions_and_symbolic_batch()
    {
        var p = ModelProto.Parser.ParseFrom(OnnxModel.ToBytes(Sample()));
        Assert.Equal(OnnxModel.IrVersion, p.IrVersion);
        Assert.Equal(OnnxModel.DefaultOpset, Assert.Single(p.OpsetImport).Version);
        Assert.True(OnnxModel.DefaultOpset >= 17);
        var x = Assert.Single(p.Graph.Input);
        Assert.Equal(["N", "", "", ""], x.Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        Assert.Equal([0L, 2, 4, 4], x.Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        // An unknown dimension is written without value or parameter, as ONNX allows.
        var tagged = p.Graph.Output.Single(o => o.Name == "tagged").Type.TensorType.Shape.Dim;
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.None, tagged[1].ValueCase);
        // Intermediate values carry their inferred types.
        Assert.Equal([0L, 2, 4, 4], p.Graph.ValueInfo.Single(v => v.Name == "conv").Type.TensorType.Shape.Dim.Select(d => d.DimValue));
    }

    [Fact]
    public void Sample_runs_in_onnx_runtime()
    {
        var g = Sample();
        // ORT rejects the made-up attributes of the last node; the rest is a real model.
        g.Nodes.RemoveAt(g.Nodes.Count - 1);
        g.Outputs.RemoveAll(o => o.Name == "tagged");
        var x = Tensor.FromFloats("x", Numeric.Random(3 * 2 * 16, 2), 3, 2, 4, 4);
        var y = OrtRunner.RunOnce(g, x)["act"];
        Assert.Equal(new long[] { 3, 8 }, y.Dims);
        // act[0,0] = LeakyRelu(0.5 * mean of the top-left 2x2 of Conv(x, w) with 1-pixel zero padding), slope 0.25.
        var w = g.FindInitializer("w")!.Floats;
        double Conv(int yy, int xx)
        {
            double s = 0;
            for (int c = 0; c < 2; c++)
            for (int u = 0; u < 3; u++)
            for (int v = 0; v < 3; v++)
            {
                int i = yy + u - 1, j = xx + v - 1;
                if (i is < 0 or >= 4 || j is < 0 or >= 4) continue;
                s += x.Floats[c * 16 + i * 4 + j] * w[c * 9 + u * 3 + v];
            }
            return s;
        }
        double pooled = (Conv(0, 0) + Conv(0, 1) + Conv(1, 0) + Conv(1, 1)) / 4 * 0.5;
        Assert.Equal(pooled >= 0 ? pooled : 0.25 * pooled, y.Floats[0], 4);
    }

    [Fact]
    public void Save_writes_atomically_and_load_reads_it_back()
    {
        var dir = Directory.CreateTempSubdirectory("onnxtrainer-save-");
        try
        {
            string path = Path.Combine(dir.FullName, "m.onnx");
            File.WriteAllText(path, "old contents");
            OnnxModel.Save(Sample(), path);
            Assert.Equal(OnnxModel.ToBytes(Sample()), File.ReadAllBytes(path));
            Assert.Equal(["m.onnx"], dir.GetFiles().Select(f => f.Name));
            Assert.Equal(GraphText.Render(Sample()), GraphText.Render(OnnxModel.Load(path)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_failed_save_leaves_no_file_behind()
    {
        var dir = Directory.CreateTempSubdirectory("onnxtrainer-save-");
        try
        {
            // The target is a directory: the final rename fails after the temporary file was written.
            string target = Path.Combine(dir.FullName, "model.onnx");
            Directory.CreateDirectory(target);
            Assert.ThrowsAny<IOException>(() => OnnxModel.Save(Sample(), target));
            Assert.Empty(dir.GetFiles());
            Assert.ThrowsAny<IOException>(() => OnnxModel.Save(Sample(), Path.Combine(dir.FullName, "missing", "m.onnx")));
            Assert.Empty(dir.GetFiles("*", SearchOption.AllDirectories));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_names_the_file_that_is_not_onnx()
    {
        string path = Path.Combine(Path.GetTempPath(), $"onnxtrainer-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01]);
            var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => OnnxModel.Load(path + ".none")).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// A graph input that also has an initializer: a weight before IR 4 (IR 3 lists every weight among the inputs), an
    /// input with a default value from IR 4 on (kept as both, so the saved file keeps its meaning).
    /// </summary>
    [Fact]
    public void Inputs_with_initializers_are_weights_before_ir4_and_inputs_with_defaults_after()
    {
        Import.OldModel Model(long ir) => new Import.OldModel(ir, opset: 13).Input("x", 1, 2).Weight("b", [1, 2], 1, listAsInput: true)
            .Node("Add", "add", ["x", "b"], ["y"]).Output("y", 1, 2);
        var ir3 = OnnxModel.FromBytes(Model(3).Bytes);
        Assert.Equal(["x"], ir3.Inputs.Select(v => v.Name));
        Assert.Equal(["b"], ir3.Initializers.Select(t => t.Name));
        var ir8 = OnnxModel.FromBytes(Model(8).Bytes);
        Assert.Equal(["x", "b"], ir8.Inputs.Select(v => v.Name));
        Assert.Equal(["b"], ir8.Initializers.Select(t => t.Name));
        var saved = OnnxModel.ToBytes(ir8);
        Assert.Equal(saved, OnnxModel.ToBytes(OnnxModel.FromBytes(saved)));
        // ONNX Runtime uses the default when only x is fed.
        var b = ir8.FindInitializer("b")!.Floats;
        var y = Import.OldModel.Run(saved, "x", [1f, 2f], [1, 2])["y"].Data;
        Assert.Equal([1f + b[0], 2f + b[1]], y);
    }
}
