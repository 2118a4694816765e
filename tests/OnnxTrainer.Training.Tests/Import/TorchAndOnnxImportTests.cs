using OnnxTrainer.Models.Networks;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Formats;
using OnnxTrainer.TestSupport;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Import;

namespace OnnxTrainer.Training.Tests.Import;

/// <summary>safetensors with torchvision/timm names, our own safetensors and checkpoints, and .onnx initializers.</summary>
public class TorchAndOnnxImportTests
{
    // torchvision's vgg16().features: Conv2d at these indices (ReLU after each, MaxPool2d closing each block).
    private static readonly int[] Vgg16ConvIndices = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];

    private static readonly string[] Vgg16Convs =
    [
        "block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2", "block3_conv1", "block3_conv2", "block3_conv3",
        "block4_conv1", "block4_conv2", "block4_conv3", "block5_conv1", "block5_conv2", "block5_conv3",
    ];

    private static string Temp(string name) => Path.Combine(TrainingFixtures.TempDir(), name);

    /// <summary>Our weights of the tiny VGG with top, as torchvision would store them (Linear [out, in]) or timm (fc1 as a 7x7-style conv).</summary>
    private static (Weights Ours, List<Tensor> Torch) TorchFile(bool timm)
    {
        var model = TinyModels.WithTop();
        var ours = Weights.Initialize(model, seed: 21);
        var torch = new List<Tensor>();
        for (int i = 0; i < Vgg16Convs.Length; i++)
        {
            torch.Add(ours[Vgg16Convs[i] + "/W"].Rename($"features.{Vgg16ConvIndices[i]}.weight"));
            torch.Add(ours[Vgg16Convs[i] + "/B"].Rename($"features.{Vgg16ConvIndices[i]}.bias"));
        }
        string[] linear = timm ? ["pre_logits.fc1", "pre_logits.fc2", "head.fc"] : ["classifier.0", "classifier.3", "classifier.6"];
        string[] dense = ["fc1", "fc2", "predictions"];
        for (int l = 0; l < 3; l++)
        {
            var w = ours[dense[l] + "/W"]; // [in, out]
            long n = w.Dims[0], u = w.Dims[1];
            var outIn = new float[w.Floats.Length];
            for (long i = 0; i < n; i++)
                for (long j = 0; j < u; j++)
                    outIn[j * n + i] = w.Floats[i * u + j];
            // timm's fc1 is a conv over the (C=4, H=2, W=2) map: [out, C, H, W], the same values as [out, C*H*W] in NCHW order.
            long[] dims = !timm ? [u, n] : l == 0 ? [u, 4, 2, 2] : l == 1 ? [u, n, 1, 1] : [u, n];
            torch.Add(Tensor.FromFloats(linear[l] + ".weight", outIn, dims));
            torch.Add(ours[dense[l] + "/B"].Rename(linear[l] + ".bias"));
        }
        return (ours, torch);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Torchvision_and_timm_names_map_onto_the_VGG_layers(bool timm)
    {
        var (ours, torch) = TorchFile(timm);
        string path = Temp("vgg16.safetensors");
        Safetensors.Write(path, torch);

        var imported = WeightFiles.Load(path, ZooNetwork.Initialize(TinyModels.WithTop(), 1), seed: 1);

        Assert.Equal(timm ? WeightNaming.Timm : WeightNaming.Torchvision, imported.Report.Naming);
        Assert.Equal(Preprocessing.Torch, imported.Report.Preprocessing);
        Assert.Equal(32, imported.Report.LoadedTensors);
        foreach (var name in ours.Names) Assert.Equal(ours[name].Floats, imported.Weights[name].Floats);
        Assert.Equal(Preprocessing.Torch, WeightFiles.PreprocessingOf(path, channels: 3));
    }

    [Fact]
    public void Torchvision_classifier_is_not_used_by_a_base_with_a_head()
    {
        var (ours, torch) = TorchFile(timm: false);
        string path = Temp("vgg16.safetensors");
        Safetensors.Write(path, torch);

        var imported = WeightFiles.Load(path, ZooNetwork.Initialize(TinyModels.WithHead(), 1), seed: 1);

        Assert.Equal(26, imported.Report.LoadedTensors);
        Assert.Equal(["classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias", "classifier.6.weight", "classifier.6.bias"],
            imported.Report.Unused);
        Assert.Equal(ours["block4_conv2/W"].Floats, imported.Weights["block4_conv2/W"].Floats);
    }

    [Fact]
    public void Torchvision_file_of_another_VGG_lists_what_does_not_fit()
    {
        var (_, torch) = TorchFile(timm: false);
        torch.RemoveAll(t => t.Name == "features.28.weight");
        torch.Add(Tensor.FromFloats("features.16.weight", new float[16], 4, 4, 1, 1)); // VGG19's block3_conv4 sits at 16
        string path = Temp("vgg19ish.safetensors");
        Safetensors.Write(path, torch);

        var e = Assert.Throws<ModelException>(() => WeightFiles.Load(path, ZooNetwork.Initialize(TinyModels.WithTop(), 1), seed: 1));

        Assert.Contains("missing block5_conv3/W [4,4,3,3]", e.Message);
        Assert.Contains("unexpected features.16.weight [4,4,1,1]", e.Message);
        Assert.Contains("(2 problems)", e.Message);
    }

    [Fact]
    public void Exported_onnx_gives_back_its_weights_head_and_preprocessing()
    {
        var model = TinyModels.WithHead().WithPreprocessing(Preprocessing.Caffe);
        var weights = Weights.Initialize(model, seed: 8);
        string path = Temp("model.onnx");
        Exporter.Save(ZooNetwork.Build(model, weights), path);

        var imported = WeightFiles.Load(path, ZooNetwork.Initialize(TinyModels.WithHead(), 1), seed: 1);

        Assert.Equal(WeightFormat.Onnx, imported.Report.Format);
        Assert.Empty(imported.Report.InitializedLayers);
        Assert.Equal(30, imported.Report.LoadedTensors);
        Assert.Equal(Preprocessing.Caffe, imported.Report.Preprocessing);
        foreach (var name in weights.Names) Assert.Equal(weights[name].Floats, imported.Weights[name].Floats);
    }

    [Fact]
    public void Checkpoint_safetensors_skip_optimizer_slots_and_saved_weights_record_preprocessing()
    {
        var model = Zoo.Build("mnist-convnet", new ZooOptions());
        var weights = Weights.Initialize(model, seed: 2);
        string checkpoint = Temp("checkpoint.safetensors"), saved = Temp("weights.safetensors");
        Safetensors.Write(checkpoint, weights.All.Concat([Tensor.FromFloats("rmsprop/rms/dense_2/W", new float[640], 64, 10)]));
        WeightFiles.Save(weights, Preprocessing.None, saved);

        Assert.Equal(10, WeightFiles.Load(checkpoint, ZooNetwork.Initialize(model, 1), seed: 1).Report.LoadedTensors);
        var fromSaved = WeightFiles.Load(saved, ZooNetwork.Initialize(model, 1), seed: 1);
        Assert.Equal(Preprocessing.None, fromSaved.Report.Preprocessing);
        Assert.Equal(weights["conv2d_3/W"].Floats, fromSaved.Weights["conv2d_3/W"].Floats);
    }

    [Fact]
    public void Mnist_convnet_file_into_mnist_convnet_with_a_head_uses_the_base_and_initializes_the_head()
    {
        var full = Zoo.Build("mnist-convnet", new ZooOptions { Classes = 8 });
        var weights = Weights.Initialize(full, seed: 2);
        string path = Temp("pretrained.safetensors");
        WeightFiles.Save(weights, Preprocessing.Rescale, path);
        var headed = Zoo.Build("mnist-convnet", new ZooOptions { Head = "dense256", Classes = 1 });

        var imported = WeightFiles.Load(path, ZooNetwork.Initialize(headed, 1), seed: 1);

        Assert.Equal(6, imported.Report.LoadedTensors);
        Assert.Equal(["dense_1", "dense_2"], imported.Report.InitializedLayers);
        Assert.Equal(["dense_1/W", "dense_1/B", "dense_2/W", "dense_2/B"], imported.Report.Unused);
        Assert.Equal(weights["conv2d_2/W"].Floats, imported.Weights["conv2d_2/W"].Floats);
        Assert.Equal(new long[] { 576, 256 }, imported.Weights["dense_1/W"].Dims);
    }

    [Fact]
    public void Unknown_extension_and_missing_file_are_user_errors()
    {
        var model = Zoo.Build("mnist-convnet", new ZooOptions());
        string txt = Temp("w.txt");
        File.WriteAllText(txt, "x");
        Assert.Contains("expected .h5 (Keras), .safetensors or .onnx, got '.txt'", Assert.Throws<ModelException>(() => WeightFiles.Load(txt, ZooNetwork.Initialize(model, 1), 1)).Message);
        Assert.Contains("does not exist", Assert.Throws<ModelException>(() => WeightFiles.Load(txt + ".h5", ZooNetwork.Initialize(model, 1), 1)).Message);
        string bad = Temp("bad.h5");
        File.WriteAllBytes(bad, Numeric.Random(64, 1).Select(f => (byte)(f * 100)).ToArray());
        Assert.Contains("cannot be read", Assert.Throws<ModelException>(() => WeightFiles.Load(bad, ZooNetwork.Initialize(model, 1), 1)).Message);
    }
}
