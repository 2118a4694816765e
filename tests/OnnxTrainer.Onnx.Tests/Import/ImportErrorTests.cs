using Onnx;
using OnnxTrainer.Onnx.Import;
using static OnnxTrainer.Onnx.Tests.Import.OldModel;

namespace OnnxTrainer.Onnx.Tests.Import;

/// <summary>Every refusal is one message naming the file and the node, op or tensor at fault, and what to do.</summary>
public class ImportErrorTests
{
    private static OldModel Conv(long ir = 3, long opset = 8) => new OldModel(ir, opset).Input("x", 1, 3, 4, 4)
        .Weight("w", [2, 3, 3, 3], 1).Node("Conv", "conv", ["x", "w"], ["c"]);

    private static string Error(OldModel m, ImportOptions? options = null) =>
        Assert.Throws<ImportException>(() => OnnxImporter.Import(m.Proto, "m.onnx", options)).Message;

    [Fact]
    public void Unsupported_op_names_it_lists_the_supported_ones_and_suggests_a_cut()
    {
        var m = Conv().Node("LRN", "norm", ["c"], ["y"], A("size", 3L)).Output("y", 1, 2, 2, 2);
        Assert.Equal(
            $"m.onnx: node 'norm' uses op 'LRN', which the importer does not support (supported: {SupportedOps.List}). Cut the network before it with --cut VALUE (its inputs: c).",
            Error(m));
        Assert.StartsWith("Abs, Add, AveragePool, BatchNormalization,", SupportedOps.List);
        Assert.Contains("Cut the network before it with --cut c (its inputs: c).", Error(m, new ImportOptions { CutHint = "--cut c" }));
    }

    [Fact]
    public void Upsample_and_other_domains_are_refused()
    {
        Assert.Equal(
            "m.onnx: node 'up' uses Upsample, deprecated since opset 10 and not supported; re-export the model with Resize, or cut the network before it with --cut VALUE (its inputs: c).",
            Error(Conv().Node("Upsample", "up", ["c"], ["y"]).Output("y", 1, 2, 4, 4)));
        var m = Conv().Node("Relu", "custom", ["c"], ["y"]).Output("y", 1, 2, 2, 2);
        m.Proto.Graph.Node[^1].Domain = "com.example";
        Assert.Equal(
            "m.onnx: node 'custom' uses op 'Relu' of domain 'com.example'; only the default ONNX domain is supported. Cut the network before it with --cut VALUE (its inputs: c).",
            Error(m));
    }

    [Fact]
    public void Old_ir_and_opset_are_refused()
    {
        Assert.Equal("m.onnx: IR version 2 is older than IR 3; convert the model with a newer exporter first.",
            Error(Conv(ir: 2).Output("c", 1, 2, 2, 2)));
        Assert.Equal("m.onnx: opset 6 is older than opset 7; convert the model to opset 7 or later first.",
            Error(Conv(opset: 6).Output("c", 1, 2, 2, 2)));
    }

    [Fact]
    public void Non_image_inputs_are_refused_with_what_was_found()
    {
        var flat = new OldModel().Input("v", 1, 10).Weight("w", [10, 2], 1).Node("Gemm", "fc", ["v", "w"], ["y"]).Output("y", 1, 2);
        Assert.Equal("m.onnx: input 'v' is f32[1,10]: expected an image, [N,C,H,W] or [N,H,W,C] float with 1 or 3 channels.", Error(flat));
        var five = new OldModel().Input("x", 1, 5, 4, 4).Node("Relu", "relu", ["x"], ["y"]).Output("y", 1, 5, 4, 4);
        Assert.Equal(
            "m.onnx: input 'x' is f32[1,5,4,4], with neither 1 nor 3 channels in dimension 1 or 3: expected an image, [N,C,H,W] or [N,H,W,C] float with 1 or 3 channels.",
            Error(five));
        var two = Conv().Input("mask", 1, 3, 4, 4).Node("Mul", "mul", ["x", "mask"], ["y"]).Output("y", 1, 3, 4, 4);
        Assert.Equal("m.onnx: the graph has 2 inputs that are not weights (x [1,3,4,4], mask [1,3,4,4]); an image model has one image input.", Error(two));
    }

    [Fact]
    public void Missing_weights_are_named()
    {
        var m = new OldModel().Input("x", 1, 3, 4, 4).Node("Conv", "conv", ["x", "conv_W"], ["y"]).Output("y", 1, 2, 2, 2);
        Assert.Equal(
            "m.onnx: node 'conv' (Conv) reads 'conv_W', which is neither a weight (initializer), nor the image input 'x', nor any node's output: the file lacks weights; export the model with its parameters.",
            Error(m));
    }

    [Fact]
    public void Weights_of_other_element_types_are_refused()
    {
        var m = Conv().Output("c", 1, 2, 2, 2);
        var half = new TensorProto { Name = "w16", DataType = 10, RawData = Google.Protobuf.ByteString.CopyFrom(0, 60) };
        half.Dims.Add(1);
        m.Proto.Graph.Initializer.Add(half);
        Assert.Equal("m.onnx: initializer 'w16' has element type Float16; only float, int32, int64, uint8 and bool weights are supported.", Error(m));
    }

    [Fact]
    public void Softmax_over_a_coerced_axis_is_refused()
    {
        var m = Conv(opset: 11).Node("Softmax", "sm", ["c"], ["y"]).Output("y", 1, 2, 2, 2);
        Assert.Equal(
            "m.onnx: node 'sm' (Softmax): opset 11 Softmax flattens its [N,2,2,2] input to 2-D at axis 1; only a Softmax over the last axis is supported. Cut the network before it.",
            Error(m));
    }

    [Fact]
    public void A_reshape_that_builds_in_the_batch_is_refused()
    {
        var m = Conv().Ints("shape", 2, 4).Node("Reshape", "flat", ["c", "shape"], ["y"]).Output("y", 2, 4);
        Assert.Equal(
            "m.onnx: node 'flat' (Reshape) turns the symbolic batch into [2,4]: the batch size is built into it. Import with a fixed batch, or cut the network before it with --cut VALUE.",
            Error(m));
        var imported = OnnxImporter.Import(m.Proto, "m.onnx", new ImportOptions { FixedBatch = true });
        Assert.Equal([2L, 4], imported.Graph.TypeOf("y").Dims);
    }

    [Fact]
    public void A_reshape_constant_made_for_the_file_size_is_refused_at_another_size()
    {
        var m = Conv().Ints("shape", 1, 8).Node("Reshape", "flat", ["c", "shape"], ["y"]).Output("y", 1, 8);
        Assert.Equal(
            "m.onnx: node 'flat' (Reshape) turns [N,2,4,4] into [N,8]: its constant shape fits another input size (the file was made for 4x4 input). Keep the file's input size, or cut the network before it with --cut VALUE.",
            Error(m, new ImportOptions { Height = 6, Width = 6 }));
        Assert.Equal([TensorType.Batch, 8], OnnxImporter.Import(m.Proto, "m.onnx").Graph.TypeOf("y").Dims);
    }

    [Fact]
    public void Too_small_an_input_size_names_the_node()
    {
        var m = Conv().Output("c", 1, 2, 2, 2);
        Assert.Equal("m.onnx: node 'conv' (Conv): Conv node 'conv': input [N,3,2,2] is smaller than its kernel [3,3] (the file was made for 4x4 input).",
            Error(m, new ImportOptions { Height = 2, Width = 2 }));
    }

    /// <summary>Damaged files (seeded random bytes changed in a valid model) are refused with an ImportException, never a crash.</summary>
    [Fact]
    public void Damaged_files_are_refused_in_one_line()
    {
        var valid = new OldModel(ir: 3, opset: 8).Input("x", 1, 3, 6, 6)
            .Weight("w1", [4, 3, 3, 3], 1).Weight("scale", [4], 3).Weight("bias", [4], 4).Weight("mean", [4], 5).Weight("var", [4], 6, low: 0.5f)
            .Ints("shape", 1, -1)
            .Node("Conv", "conv1", ["x", "w1"], ["c1"], A("auto_pad", "SAME_UPPER"))
            .Node("BatchNormalization", "bn", ["c1", "scale", "bias", "mean", "var"], ["b"], A("spatial", 1L))
            .Node("MaxPool", "pool", ["b"], ["p"], A("kernel_shape", 6L, 6L))
            .Node("Reshape", "flat", ["p", "shape"], ["y"])
            .Output("y", 1, 4).Bytes;
        string dir = Directory.CreateTempSubdirectory("import-damaged").FullName;
        var random = new Random(11);
        int refused = 0, imported = 0;
        try
        {
            for (int k = 0; k < 300; k++)
            {
                var bytes = (byte[])valid.Clone();
                for (int c = random.Next(1, 4); c > 0; c--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                string path = Path.Combine(dir, $"d{k}.onnx");
                File.WriteAllBytes(path, bytes);
                try
                {
                    OnnxImporter.Import(path, new ImportOptions { Height = 8, Width = 8, GlobalPooling = k % 2 == 0 });
                    imported++;
                }
                catch (ImportException e)
                {
                    Assert.DoesNotContain("\n", e.Message);
                    refused++;
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.Equal(300, refused + imported);
        Assert.True(refused > 100, $"only {refused} of 300 damaged files were refused");
    }

    [Fact]
    public void External_data_is_read_beside_the_model_and_a_missing_file_is_named()
    {
        string dir = Directory.CreateTempSubdirectory("import-ext").FullName;
        try
        {
            var m = new OldModel(ir: 8, opset: 13).Input("x", 1, 1, 3, 3).Node("Conv", "conv", ["x", "w"], ["y"]).Output("y", 1, 1, 1, 1);
            var w = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
            w.Dims.AddRange([1, 1, 3, 3]);
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
            w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "4" });
            m.Proto.Graph.Initializer.Add(w);
            string path = m.Save(Path.Combine(dir, "ext.onnx"));
            Assert.Equal(
                $"ext.onnx: Initializer 'w' keeps its data in 'weights.bin', which is missing (looked for '{Path.Combine(dir, "weights.bin")}'); put the data file beside the model.",
                Assert.Throws<ImportException>(() => OnnxImporter.Import(path)).Message);
            var values = Enumerable.Range(1, 9).Select(i => (float)i).ToArray();
            File.WriteAllBytes(Path.Combine(dir, "weights.bin"), [0, 0, 0, 0, .. System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())]);
            Assert.Equal(values, OnnxImporter.Import(path).Graph.FindInitializer("w")!.Floats);
            Assert.Equal(values, OnnxModel.Load(path).FindInitializer("w")!.Floats);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
