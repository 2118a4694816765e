using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Cli.Tests;

/// <summary>onnx-trainer export writes a model ONNX Runtime loads and runs, with the runtime's metadata.</summary>
public class ExportTests
{
    [Fact]
    public void Exported_mnist_convnet_loads_and_runs_in_onnx_runtime()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("export", "mnist-convnet", "--seed", "5", "--out", dir["mnist.onnx"]).Succeeded();
        Assert.Equal($"Wrote {dir["mnist.onnx"]}: mnist-convnet, 93,322 parameters, input (28, 28, 1) as NCHW, seed 5, Grad-CAM on conv2d_3.\n", run.Stdout);
        Assert.Equal(["mnist.onnx"], dir.Contents());

        using var session = new InferenceSession(dir["mnist.onnx"]);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("mnist-convnet", meta["onnx_trainer.model"]);
        Assert.Equal("28,28,1", meta["onnx_trainer.input_shape"]);
        Assert.Equal("NCHW", meta["onnx_trainer.layout"]);
        Assert.Equal("softmax", meta["onnx_trainer.output_activation"]);

        var x = Numeric.Random(2 * 28 * 28, 3, 0, 1);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [2, 1, 28, 28]);
        using var results = session.Run(new RunOptions(), ["input"], [input], ["output"]);
        Assert.Equal([2L, 10], results[0].GetTensorTypeAndShape().Shape);
        var p = results[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(1.0, p[..10].Sum(v => (double)v), 5);
        Assert.Equal(1.0, p[10..].Sum(v => (double)v), 5);

        // The weights are Weights.Initialize(model, 5): the same as a program would make.
        var model = Zoo.Build("mnist-convnet", new());
        var expected = ForwardGraph.Build(model, Weights.Initialize(model, 5), training: false).Graph;
        var written = OnnxModel.Load(dir["mnist.onnx"]);
        Assert.Equal(expected.FindInitializer("dense_1/W")!.Floats, written.FindInitializer("dense_1/W")!.Floats);
        Assert.Equal(p, OrtRunner.RunOnce(expected, Tensor.FromFloats("input", x, 2, 1, 28, 28))["output"].Floats);
    }

    [Fact]
    public void Export_with_head_options_and_freezing_writes_the_inference_form()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("export", "vgg16-base", "--head", "dense256-dropout", "--input-shape", "48,48,3", "--classes", "4",
            "--freeze-base", "--out", dir["head.onnx"]).Succeeded();
        Assert.Contains("vgg16-base+dense256-dropout, 14,847,044 parameters, input (48, 48, 3) as NCHW, seed 1, Grad-CAM on block5_conv3.", run.Stdout);
        var g = OnnxModel.Load(dir["head.onnx"]);
        // No dropout mask at inference; explain_class is an input with a default (IR 4+), and Load keeps it one.
        Assert.Equal(["input", "explain_class"], g.Inputs.Select(i => i.Name));
        Assert.Equal(new long[] { TensorType.Batch, 3, 48, 48 }, g.Inputs[0].Type.Dims);
        Assert.Equal(new long[] { TensorType.Batch, 4 }, g.Outputs[0].Type.Dims);
        Assert.Equal("48,48,3", g.Metadata["onnx_trainer.input_shape"]);
        Assert.Equal("softmax", g.Metadata["onnx_trainer.output_activation"]);
        var y = OrtRunner.RunOnce(g, Tensor.FromFloats("input", Numeric.Random(3 * 48 * 48, 1, 0, 1), 1, 3, 48, 48))["output"];
        Assert.Equal(1.0, y.Floats.Sum(v => (double)v), 5);
    }

    [Fact]
    public void Same_seed_gives_the_same_file_and_replaces_an_existing_one()
    {
        using var dir = new TempFolder();
        CliRun.Of("export", "santa-convnet", "--seed", "9", "--out", dir["a.onnx"]).Succeeded();
        File.WriteAllText(dir["b.onnx"], "an older file");
        CliRun.Of("export", "santa-convnet", "--seed", "9", "--out", dir["b.onnx"]).Succeeded();
        CliRun.Of("export", "santa-convnet", "--seed", "10", "--out", dir["c.onnx"]).Succeeded();
        Assert.Equal(File.ReadAllBytes(dir["a.onnx"]), File.ReadAllBytes(dir["b.onnx"]));
        Assert.NotEqual(File.ReadAllBytes(dir["a.onnx"]), File.ReadAllBytes(dir["c.onnx"]));
        Assert.Equal("sigmoid", OnnxModel.Load(dir["a.onnx"]).Metadata["onnx_trainer.output_activation"]);
        Assert.Equal(["a.onnx", "b.onnx", "c.onnx"], dir.Contents());
    }

    [Fact]
    public void Metadata_names_the_zoo_model_not_its_keras_name()
    {
        using var dir = new TempFolder();
        CliRun.Of("export", "vgg16-base", "--input-shape", "32,32,3", "--out", dir["base.onnx"]).Succeeded();
        CliRun.Of("export", "vgg16-base", "--head", "dense256", "--input-shape", "32,32,3", "--out", dir["head.onnx"]).Succeeded();
        Assert.Equal("vgg16-base", OnnxModel.Load(dir["base.onnx"]).Metadata["onnx_trainer.model"]);
        Assert.Equal("linear", OnnxModel.Load(dir["base.onnx"]).Metadata["onnx_trainer.output_activation"]);
        Assert.Equal("vgg16-base+dense256", OnnxModel.Load(dir["head.onnx"]).Metadata["onnx_trainer.model"]);
    }

    [Fact]
    public void Metadata_is_what_the_runtime_reads_and_the_explain_outputs_follow_the_options()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("export", "santa-convnet", "--input-shape", "32,32,3", "--class-names", "other, santa", "--out", dir["a.onnx"]).Succeeded();
        Assert.EndsWith("seed 1, Grad-CAM on conv2d_3.\n", run.Stdout);
        var g = OnnxModel.Load(dir["a.onnx"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["onnx_trainer.class_names"] = "[\"other\",\"santa\"]",
                ["onnx_trainer.explain_score"] = "logit",
                ["onnx_trainer.gradcam_layer"] = "conv2d_3",
                ["onnx_trainer.head"] = "binary",
                ["onnx_trainer.input_name"] = "input",
                ["onnx_trainer.input_shape"] = "32,32,3",
                ["onnx_trainer.layout"] = "NCHW",
                ["onnx_trainer.model"] = "santa-convnet",
                ["onnx_trainer.output_activation"] = "sigmoid",
                ["onnx_trainer.output_name"] = "output",
                ["onnx_trainer.preprocessed"] = "preprocess/out",
                ["onnx_trainer.preprocessing"] = "rescale",
            },
            g.Metadata.Where(m => m.Key != "onnx_trainer.layers").ToDictionary());
        // The layers by name, so a loaded export is addressed as the zoo model was.
        var layers = System.Text.Json.JsonSerializer.Deserialize<List<OnnxTrainer.Models.Networks.NamedLayer>>(g.Metadata["onnx_trainer.layers"])!;
        Assert.Equal(["conv2d_1", "maxpooling2d_1", "conv2d_2", "maxpooling2d_2", "conv2d_3", "maxpooling2d_3", "flatten_1", "dense_1", "dense_2"],
            layers.Select(l => l.Name));
        Assert.Equal(("conv2d_3", "Conv2D", "conv2d_3/conv", "maxpooling2d_2/out", "conv2d_3/out", "relu"),
            (layers[4].Name, layers[4].Kind, layers[4].FirstNode, layers[4].Input, layers[4].Output, layers[4].Activation));
        Assert.Equal(["conv2d_3/W", "conv2d_3/B"], layers[4].Params);
        Assert.Equal(["output", "explain/activations", "explain/gradients", "explain/heatmap", "explain/class"], g.Outputs.Select(o => o.Name));
        Assert.Equal("f32[N,64,4,4]", g.Outputs[1].Type.ToString());

        CliRun.Of("export", "santa-convnet", "--input-shape", "32,32,3", "--gradcam-layer", "conv2d_2", "--out", dir["b.onnx"]).Succeeded();
        var b = OnnxModel.Load(dir["b.onnx"]);
        Assert.Equal("conv2d_2", b.Metadata["onnx_trainer.gradcam_layer"]);
        Assert.Equal("f32[N,32,12,12]", b.Outputs.Single(o => o.Name == "explain/activations").Type.ToString());
        Assert.Equal("[\"0\",\"1\"]", b.Metadata["onnx_trainer.class_names"]);

        CliRun.Of("export", "santa-convnet", "--input-shape", "32,32,3", "--no-explain", "--out", dir["c.onnx"]).Succeeded();
        var c = OnnxModel.Load(dir["c.onnx"]);
        Assert.Equal(["output"], c.Outputs.Select(o => o.Name));
        Assert.False(c.Metadata.ContainsKey("onnx_trainer.gradcam_layer"));
    }

    [Theory]
    [InlineData("error: Grad-CAM layer 'flatten_1' is not a feature-map layer of model 'santa-convnet'. Expected one of: conv2d_1, maxpooling2d_1, conv2d_2, maxpooling2d_2, conv2d_3, maxpooling2d_3.", "santa-convnet", "--gradcam-layer", "flatten_1")]
    [InlineData("error: Model 'vgg16-base' has no classifier (its output is linear); Grad-CAM explains a softmax or sigmoid class score. Add a head, for example --head dense256.", "vgg16-base", "--input-shape", "32,32,3", "--gradcam-layer", "block5_conv3")]
    [InlineData("error: Model 'santa-convnet' has 2 classes (one sigmoid unit); got 3 class names (a, b, c).", "santa-convnet", "--class-names", "a,b,c")]
    [InlineData("error: --no-explain and --gradcam-layer conv2d_1 contradict each other; give one of them.", "santa-convnet", "--no-explain", "--gradcam-layer", "conv2d_1")]
    public void Explain_and_class_name_errors_are_one_line(string expected, params string[] args)
    {
        using var dir = new TempFolder();
        var run = CliRun.Of(["export", .. args, "--out", dir["x.onnx"]]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Stderr);
        Assert.Empty(dir.Contents());
    }
}
