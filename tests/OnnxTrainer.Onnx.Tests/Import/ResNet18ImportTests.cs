using OnnxTrainer.Onnx.Import;
using OnnxTrainer.TestSupport;
using static OnnxTrainer.Onnx.Tests.Import.OldModel;

namespace OnnxTrainer.Onnx.Tests.Import;

/// <summary>
/// The real ImageNet ResNet18 of NuGet's Microsoft.ML.DnnImageFeaturizer.ResNet18 (CNTK export, IR 3, opset 8) and its
/// preprocessing graph: imported, saved in our form and run in ONNX Runtime next to the original file.
/// </summary>
public class ResNet18ImportTests
{
    private static float[] Image(int seed, int size = 224) => Numeric.Random(3 * size * size, seed, 0f, 255f);

    /// <summary>Imports a file, saves the result and reads the saved bytes back: what other stages would load.</summary>
    private static (ImportedModel Model, byte[] Saved) ImportAndSave(string path, ImportOptions? options = null)
    {
        var m = OnnxImporter.Import(path, options);
        string file = Path.Combine(Path.GetTempPath(), $"resnet18-import-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxModel.Save(m.Graph, file);
            return (m, File.ReadAllBytes(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ResNet18Fact]
    public void Forward_pass_equals_the_original_at_224_and_runs_at_batch_2()
    {
        var (m, saved) = ImportAndSave(ResNet18Files.Model!);
        Assert.Equal(("Input247", ImageLayout.Nchw, 3, 224, 224), (m.InputName, m.FileLayout, m.Channels, m.Height, m.Width));
        Assert.Equal(["Pooling395_Output_0"], m.Outputs);
        Assert.Equal([TensorType.Batch, 512, 1, 1], m.Graph.TypeOf("Pooling395_Output_0").Dims);
        Assert.Equal(110, m.Graph.Initializers.Count);
        Assert.Equal(15_908_800, m.Graph.Initializers.Sum(t => t.ElementCount));
        Assert.Equal(
            [
                "opset 8 nodes written in their opset 18 form",
                "the fixed batch size 1 became symbolic (N)",
                "BatchNormalization: dropped the old attribute 'spatial' (22 nodes: BatchNormalization251, BatchNormalization259, BatchNormalization265, ...)",
            ], m.Changes);
        byte[] original = File.ReadAllBytes(ResNet18Files.Model!);
        var a = Image(1);
        var b = Image(2);
        var expectedA = Run(original, "Input247", a, [1, 3, 224, 224])["Pooling395_Output_0"];
        var expectedB = Run(original, "Input247", b, [1, 3, 224, 224])["Pooling395_Output_0"];
        var actualA = Run(saved, "Input247", a, [1, 3, 224, 224])["Pooling395_Output_0"];
        Assert.Equal([1L, 512, 1, 1], actualA.Dims);
        Assert.True(expectedA.Data.Max() > 0.1f, "the features are not all zero");
        double diff = MaxRelativeDifference(actualA.Data, expectedA.Data);
        Assert.True(diff < 1e-5, $"max relative difference {diff}");
        var both = Run(saved, "Input247", [.. a, .. b], [2, 3, 224, 224])["Pooling395_Output_0"];
        Assert.Equal([2L, 512, 1, 1], both.Dims);
        Assert.True(MaxRelativeDifference(both.Data[..512], expectedA.Data) < 1e-5);
        Assert.True(MaxRelativeDifference(both.Data[512..], expectedB.Data) < 1e-5);
    }

    [ResNet18Fact]
    public void At_64x64_global_pooling_gives_512_features_and_without_it_the_fixed_window_is_reported()
    {
        var e = Assert.Throws<ImportException>(() => OnnxImporter.Import(ResNet18Files.Model!, new ImportOptions { Height = 64, Width = 64 }));
        Assert.Equal(
            "ResNet18.onnx: node 'Pooling395' (AveragePool) has a fixed 7x7 window that covers its whole input only at the file's 224x224 input; at 64x64 its input is 2x2. Import with the global-pooling option to make it GlobalAveragePool, or keep the file's input size.",
            e.Message);
        var (m, saved) = ImportAndSave(ResNet18Files.Model!, new ImportOptions { Height = 64, Width = 64, GlobalPooling = true });
        Assert.Equal([TensorType.Batch, 512, 1, 1], m.Graph.TypeOf("Pooling395_Output_0").Dims);
        Assert.Equal([TensorType.Batch, 512, 2, 2], m.Graph.TypeOf(m.Graph.Nodes.Single(n => n.Name == "Pooling395").Inputs[0]).Dims);
        Assert.Equal("GlobalAveragePool", m.Graph.Nodes.Single(n => n.Name == "Pooling395").OpType);
        var y = Run(saved, "Input247", [.. Image(3, 64), .. Image(4, 64)], [2, 3, 64, 64])["Pooling395_Output_0"];
        Assert.Equal([2L, 512, 1, 1], y.Dims);
        Assert.True(y.Data.All(float.IsFinite) && y.Data.Max() > 0.1f);
    }

    [ResNet18Fact]
    public void Preprocessing_graph_imports_and_equals_the_original()
    {
        var (m, saved) = ImportAndSave(ResNet18Files.Preprocess!);
        Assert.Equal(("OriginalInput", 3, 224, 224), (m.InputName, m.Channels, m.Height, m.Width));
        Assert.Equal(["Split", "Concat", "Sub"], m.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal([1L, 1, 1], m.Graph.FindInitializer(m.Graph.Nodes[0].Inputs[1])!.Int64s);
        Assert.Equal([TensorType.Batch, 3, 224, 224], m.Graph.TypeOf(Assert.Single(m.Outputs)).Dims);
        byte[] original = File.ReadAllBytes(ResNet18Files.Preprocess!);
        var a = Image(5);
        var expected = Run(original, "OriginalInput", a, [1, 3, 224, 224]).Single().Value;
        var actual = Run(saved, "OriginalInput", [.. a, .. a], [2, 3, 224, 224]).Single().Value;
        Assert.Equal([2L, 3, 224, 224], actual.Dims);
        Assert.Equal(expected.Data, actual.Data[..expected.Data.Length]);
        Assert.Equal(expected.Data, actual.Data[expected.Data.Length..]);
        var e = Assert.Throws<ImportException>(() => OnnxImporter.Import(ResNet18Files.Preprocess!, new ImportOptions { Height = 64, Width = 64 }));
        Assert.Equal(
            "ResNetPreprocess.onnx: node 'PreprocessedInput' (Sub): Sub node '': shapes [N,3,64,64] and [1,3,224,224] do not broadcast (the constant 'MeanImage' [1,3,224,224] was made for the file's 224x224 input).",
            e.Message);
        // BGR minus the mean image: output channel 0 is input channel 2 (blue) minus the mean.
        Assert.NotEqual(a[..(224 * 224)], expected.Data[..(224 * 224)]);
    }
}
