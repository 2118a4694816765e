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
        Assert.Equal($"Wrote {dir["mnist.onnx"]}: mnist-convnet, 93,322 parameters, input (28, 28, 1) as NCHW, seed 5.\n", run.Stdout);
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
        Assert.Contains("vgg16-base+dense256-dropout, 14,847,044 parameters, input (48, 48, 3) as NCHW, seed 1.", run.Stdout);
        var g = OnnxModel.Load(dir["head.onnx"]);
        Assert.Equal(["input"], g.Inputs.Select(i => i.Name)); // no dropout mask at inference
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
    public void Metadata_has_exactly_the_four_keys()
    {
        var model = Zoo.Build("vgg19-base", new() { InputShape = [64, 64, 3] });
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["onnx_trainer.input_shape"] = "64,64,3",
                ["onnx_trainer.layout"] = "NCHW",
                ["onnx_trainer.model"] = "vgg19-base",
                ["onnx_trainer.output_activation"] = "linear",
            },
            Commands.ExportCommand.Metadata("vgg19-base", model));
    }
}
