using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using Xunit.Abstractions;

namespace OnnxTrainer.Models.Tests;

/// <summary>Every exported zoo model loads in ONNX Runtime and gives outputs of the expected shape and range.</summary>
public class ZooRunsInOrtTests(ITestOutputHelper log)
{
    private static Tensor RandomBatch(Model model, int batch, int seed)
    {
        var (h, w, c) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        return Tensor.FromFloats(ForwardGraph.InputName, Numeric.Random((int)(batch * c * h * w), seed, 0, 1), batch, c, h, w);
    }

    /// <summary>Checks shape [batch, ...Keras output in NCHW] and the range the output activation implies.</summary>
    private static void AssertOutput(Model model, Tensor y, int batch)
    {
        var keras = model.OutputShape;
        long[] expected = keras.Length == 3 ? [batch, keras[2], keras[0], keras[1]] : [batch, keras[0]];
        Assert.Equal(expected, y.Dims);
        var p = y.Floats;
        Assert.All(p, v => Assert.True(float.IsFinite(v)));
        switch (model.OutputActivation)
        {
            case Activation.Sigmoid:
                Assert.All(p, v => Assert.InRange(v, 1e-7f, 1 - 1e-7f));
                break;
            case Activation.Softmax:
                int k = (int)keras[0];
                Assert.All(p, v => Assert.InRange(v, 1e-7f, 1 - 1e-7f));
                for (int r = 0; r < batch; r++)
                    Assert.Equal(1.0, p.Skip(r * k).Take(k).Sum(v => (double)v), 5);
                break;
            default:
                // A base ends in relu + max pool: non-negative features, not all zero.
                Assert.All(p, v => Assert.True(v >= 0));
                Assert.Contains(p, v => v > 0);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(ZooCase.SmallKeys), MemberType = typeof(ZooCase))]
    public void Runs_with_expected_output(string key)
    {
        var model = ZooCase.ByKey(key).Build();
        var fwd = ForwardGraph.Build(model, Weights.Initialize(model, seed: 1), training: false);
        const int batch = 3;
        var y = OrtRunner.RunOnce(fwd.Graph, RandomBatch(model, batch, 7))[ForwardGraph.OutputName];
        AssertOutput(model, y, batch);
        if (model.OutputActivation is Activation.Sigmoid or Activation.Softmax)
            Assert.Equal(model.OutputActivation, fwd.OutputActivation);
    }

    [Fact]
    public void Rows_of_a_batch_are_independent()
    {
        var model = Zoo.Build("santa-convnet", new() { Classes = 3 });
        var fwd = ForwardGraph.Build(model, Weights.Initialize(model, seed: 2), training: false);
        var x = RandomBatch(model, 2, 11);
        var both = OrtRunner.RunOnce(fwd.Graph, x)["output"].Floats;
        int per = (int)(x.ElementCount / 2);
        var second = OrtRunner.RunOnce(fwd.Graph, Tensor.FromFloats("input", x.Floats[per..], 1, 3, 64, 64))["output"].Floats;
        Numeric.AssertClose(both[3..], second, what: "row 2 alone");
        Assert.NotEqual(both[..3], both[3..]);
    }

    [Fact]
    public void Training_form_multiplies_by_the_fed_dropout_mask()
    {
        var model = Zoo.Build("catsdogs-convnet-dropout", new() { InputShape = [64, 64, 3] });
        var weights = Weights.Initialize(model, seed: 3);
        var train = ForwardGraph.Build(model, weights, training: true);
        var infer = ForwardGraph.Build(model, weights, training: false);
        var mask = Assert.Single(train.Masks);
        Assert.Equal(("dropout_1/mask", "dropout_1", 0.5f), (mask.Input, mask.Layer, mask.Rate));
        Assert.Equal(new[] { TensorType.Batch, 2 * 2 * 128 }, mask.Dims);
        Assert.Empty(infer.Masks);
        Assert.DoesNotContain(infer.Graph.Inputs, v => v.Name == mask.Input);

        var x = RandomBatch(model, 2, 5);
        using var session = new OrtRunner(train.Graph);
        var ones = Tensor.FromFloats(mask.Input, Enumerable.Repeat(1f, 2 * 512).ToArray(), 2, 512);
        var zeros = Tensor.FromFloats(mask.Input, new float[2 * 512], 2, 512);
        // Mask of ones = inference; mask of zeros leaves only the (zero) biases: sigmoid(0) = 0.5.
        Numeric.AssertClose(OrtRunner.RunOnce(infer.Graph, x)["output"].Floats, session.Run([x, ones])["output"].Floats, what: "mask of ones");
        Assert.Equal([0.5f, 0.5f], session.Run([x, zeros])["output"].Floats);
    }

    /// <summary>
    /// VGG16 and VGG19 with their ImageNet top (138M and 144M parameters, 224x224) at batch 1. Each takes a few
    /// seconds (initializing, serializing ~550 MB, loading in ORT, one forward pass); the time is logged.
    /// </summary>
    [Theory]
    [InlineData("vgg16")]
    [InlineData("vgg19")]
    public void Vgg_with_top_runs_at_batch_1(string name)
    {
        var clock = Stopwatch.StartNew();
        var model = Zoo.Build(name, new());
        var fwd = ForwardGraph.Build(model, Weights.Initialize(model, seed: 1), training: false);
        var init = clock.Elapsed;
        var y = OrtRunner.RunOnce(fwd.Graph, RandomBatch(model, 1, 3))[ForwardGraph.OutputName];
        log.WriteLine($"{name}: build+init {init.TotalSeconds:F1} s, serialize+load+run {(clock.Elapsed - init).TotalSeconds:F1} s " +
                      $"(process CPU so far {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s)");
        Assert.Equal(new long[] { 1, 1000 }, y.Dims);
        AssertOutput(model, y, 1);
    }

    [Fact]
    public void A_saved_file_loads_and_gives_the_same_outputs_as_the_graph()
    {
        var model = Zoo.Build("mnist-convnet", new());
        var graph = ForwardGraph.Build(model, Weights.Initialize(model, seed: 9), training: false).Graph;
        string path = Path.Combine(Path.GetTempPath(), $"onnxtrainer-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxModel.Save(graph, path);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.*.tmp"));
            var x = RandomBatch(model, 2, 1);
            using var session = new InferenceSession(path);
            Assert.Equal([ForwardGraph.InputName], session.InputNames);
            Assert.Equal([ForwardGraph.OutputName], session.OutputNames);
            Assert.Equal([-1, 1, 28, 28], session.InputMetadata["input"].Dimensions);
            Assert.Equal("N", session.InputMetadata["input"].SymbolicDimensions[0]);
            using var input = OrtValue.CreateTensorValueFromMemory(x.Floats, x.Dims);
            using var results = session.Run(new RunOptions(), ["input"], [input], ["output"]);
            var fromFile = results[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(OrtRunner.RunOnce(graph, x)["output"].Floats, fromFile);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
