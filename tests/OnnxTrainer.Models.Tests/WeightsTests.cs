using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Tests;

/// <summary>Weights.Initialize: Keras glorot_uniform kernels and zero biases, reproducible per seed.</summary>
public class WeightsTests
{
    /// <summary>Keras fans: Dense [in, out]; Conv kernel (kh, kw, in, out) -> fan_in = kh*kw*in, fan_out = kh*kw*out.</summary>
    private static double GlorotLimit(string name, long[] dims) => dims.Length switch
    {
        2 => Math.Sqrt(6.0 / (dims[0] + dims[1])),
        4 => Math.Sqrt(6.0 / (dims[2] * dims[3] * (dims[0] + dims[1]))), // ours are OIHW
        _ => throw new ArgumentException($"{name} is not a kernel"),
    };

    [Fact]
    public void Kernels_are_glorot_uniform_and_biases_zero()
    {
        var model = Zoo.Build("catsdogs-convnet", new() { InputShape = [64, 64, 3] });
        var w = Weights.Initialize(model, seed: 42);
        Assert.Equal(model.AllParams.Select(p => p.Name), w.Names);
        foreach (var p in model.AllParams)
        {
            var v = w[p.Name].Floats;
            Assert.Equal(p.Dims, w[p.Name].Dims);
            if (p.Name.EndsWith("/B", StringComparison.Ordinal))
            {
                Assert.All(v, x => Assert.Equal(0f, x));
                continue;
            }
            double limit = GlorotLimit(p.Name, p.Dims);
            double maxAbs = v.Max(x => Math.Abs((double)x));
            double meanAbs = v.Average(x => Math.Abs((double)x));
            Assert.True(maxAbs <= limit, $"{p.Name}: |w| reaches {maxAbs}, above the glorot limit {limit}");
            // Uniform on [-l, l]: the extremes get close to l and E|w| = l/2 (the tensors here have >= 512 values).
            Assert.True(maxAbs > 0.98 * limit, $"{p.Name}: max |w| {maxAbs} stays far below the limit {limit}");
            Assert.InRange(meanAbs / limit, 0.45, 0.55);
            Assert.InRange(v.Average(x => (double)x) / limit, -0.1, 0.1);
        }
    }

    [Fact]
    public void Mnist_limits_are_the_keras_ones()
    {
        var w = Weights.Initialize(Zoo.Build("mnist-convnet", new()), seed: 1);
        // conv2d_1: kernel (3,3,1,32): fan_in 9, fan_out 288. dense_1: (576, 64).
        Assert.InRange(w["conv2d_1/W"].Floats.Max(x => Math.Abs(x)), 0.98 * Math.Sqrt(6.0 / 297), Math.Sqrt(6.0 / 297));
        Assert.InRange(w["dense_1/W"].Floats.Max(x => Math.Abs(x)), 0.98 * Math.Sqrt(6.0 / 640), Math.Sqrt(6.0 / 640));
    }

    [Fact]
    public void Same_seed_gives_the_same_values_and_another_seed_different_ones()
    {
        var model = Zoo.Build("santa-convnet", new());
        var a = Weights.Initialize(model, seed: 7);
        var b = Weights.Initialize(model, seed: 7);
        var c = Weights.Initialize(model, seed: 8);
        foreach (var p in model.AllParams.Where(p => p.Init == ParamInit.GlorotUniform))
        {
            Assert.Equal(a[p.Name].Floats, b[p.Name].Floats);
            var (x, y) = (a[p.Name].Floats, c[p.Name].Floats);
            Assert.True(x.Zip(y).Count(t => t.First != t.Second) > x.Length * 0.99, $"{p.Name}: seeds 7 and 8 give nearly the same values");
        }
    }

    [Fact]
    public void Different_tensors_get_different_streams()
    {
        var w = Weights.Initialize(Zoo.Build("vgg16-base", new() { InputShape = [32, 32, 3] }), seed: 3);
        // block4_conv2 and block4_conv3 have the same shape; their values must not repeat.
        Assert.NotEqual(w["block4_conv2/W"].Floats.Take(100), w["block4_conv3/W"].Floats.Take(100));
    }

    [Fact]
    public void A_tensor_does_not_depend_on_the_other_layers()
    {
        var tenWay = Weights.Initialize(Zoo.Build("mnist-convnet", new()), seed: 5);
        var threeWay = Weights.Initialize(Zoo.Build("mnist-convnet", new() { Classes = 3 }), seed: 5);
        Assert.Equal(tenWay["conv2d_1/W"].Floats, threeWay["conv2d_1/W"].Floats);
        Assert.Equal(tenWay["dense_1/W"].Floats, threeWay["dense_1/W"].Floats);
    }

    [Fact]
    public void Known_values_pin_the_generator()
    {
        // SplitMix64 streams per tensor name: if these change, every exported model and checkpoint changes too.
        var w = Weights.Initialize(Zoo.Build("mnist-convnet", new()), seed: 1);
        var first = w["conv2d_1/W"].Floats.Take(3).ToArray();
        Approval(first);
    }

    private static void Approval(float[] values) =>
        TestSupport.Approval.Verify("tests/OnnxTrainer.Models.Tests/Approved/glorot-seed1-conv2d_1.txt",
            string.Join("\n", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "\n");

    [Fact]
    public void Weights_that_do_not_fit_are_rejected_with_every_mismatch()
    {
        var model = Zoo.Build("mnist-convnet", new());
        var w = Weights.Initialize(model, seed: 1);
        w.Set(Tensor.FromFloats("dense_2/B", new float[3], 3));
        w.Set(Tensor.FromFloats("extra", new float[1], 1));
        var m = Assert.Throws<ModelException>(() => ForwardGraph.Build(model, w, training: false)).Message;
        Assert.Contains("dense_2/B is [3], expected [10]", m);
        Assert.Contains("unexpected extra", m);
    }
}
