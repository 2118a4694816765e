using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Import;

namespace OnnxTrainer.Training.Tests.Import;

/// <summary>Every file export writes loads back: as weights (--weights) and as a network with the same roles.</summary>
public class ExportRoundTripTests
{
    // Every zoo model and every head on a base (VGG16/VGG19 with their 138M-parameter ImageNet tops are the same
    // layer kinds as their bases and heads; they are left out to keep the suite fast).
    public static TheoryData<string, string?> Cases()
    {
        var data = new TheoryData<string, string?>();
        foreach (var m in Zoo.Models.Where(m => !m.FixedInput)) data.Add(m.Name, null);
        foreach (var h in Zoo.Heads)
        {
            data.Add("vgg16-base", h.Name);
            if (h.Name != "conv32-dense256") data.Add("mnist-convnet", h.Name); // its conv2d_1 would clash with the base's
        }
        data.Add("vgg19-base", "dense256");
        return data;
    }

    private static Network Build(string model, string? head, long seed)
    {
        var entry = Zoo.Find(model);
        long[]? input = entry.DefaultInput[0] > 64 ? [entry.Name.StartsWith("vgg", StringComparison.Ordinal) ? 96 : 64, entry.Name.StartsWith("vgg", StringComparison.Ordinal) ? 96 : 64, 3] : null;
        var recipe = new ModelRecipe { Model = model, Head = head, InputShape = input, Classes = head is null ? null : 10 };
        return ZooNetwork.Initialize(recipe.Build(), seed, ExportInfo.ZooName(recipe));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exported_file_loads_back_as_weights_and_as_a_network(string model, string? head)
    {
        var network = Build(model, head, seed: 4);
        string path = Path.Combine(TrainingFixtures.TempDir(), "m.onnx");
        Exporter.Save(network, path);

        var fresh = Build(model, head, seed: 9);
        var loaded = WeightFiles.Load(path, fresh, seed: 9);
        Assert.Equal(network.Parameters.Count, loaded.Report.LoadedTensors);
        Assert.Empty(loaded.Report.InitializedLayers);
        foreach (var p in network.Parameters)
            Assert.Equal(network.CurrentWeights()[p.Name].Floats, loaded.Weights[p.Name].Floats);

        var back = FileNetwork.FromGraph(OnnxModel.Load(path), path);
        Assert.Equal(network.Name, back.Name);
        Assert.Equal((network.Input.Name, network.Input.Preprocessing, network.Input.Layout), (back.Input.Name, back.Input.Preprocessing, back.Input.Layout));
        Assert.Equal(network.Input.ExampleDims, back.Input.ExampleDims);
        Assert.Equal(network.Output, back.Output);
        Assert.Equal(network.OutputKind, back.OutputKind);
        Assert.Equal(network.Logits, back.Logits);
        Assert.Equal(network.Layers.Select(l => (l.Name, l.Kind, l.Output)), back.Layers.Select(l => (l.Name, l.Kind, l.Output)));
        Assert.Equal(network.Parameters.Select(p => (p.Name, p.Layer)), back.Parameters.Select(p => (p.Name, p.Layer)));
        Assert.Equal(network.GradCamLayer, back.GradCamLayer);
        Assert.Equal(network.HeadStart, back.HeadStart);
        Assert.Equal(network.Preprocessed, back.Preprocessed);
    }
}
