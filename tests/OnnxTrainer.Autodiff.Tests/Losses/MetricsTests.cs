using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Autodiff.Tests.Losses;

/// <summary>Accuracy metrics in ONNX Runtime against C# counts, including the threshold and argmax ties.</summary>
public class MetricsTests
{
    private const long N = TensorType.Batch;

    private static float Binary(float[] p, float[] y)
    {
        var b = new GraphBuilder("binary_accuracy_test");
        string o = b.Input("output", TensorType.Float(N, 1));
        string t = b.Input("target", TensorType.Float(N, 1));
        string acc;
        using (b.Scope("metric")) acc = Metrics.BinaryAccuracy(b, o, t);
        b.Output(acc);
        Assert.Equal("metric/binary_accuracy", acc);
        var r = OrtRunner.RunOnce(b.Graph, Tensor.FromFloats("output", p, p.Length, 1), Tensor.FromFloats("target", y, y.Length, 1))[acc];
        Assert.Empty(r.Dims);
        return r.Floats[0];
    }

    private static float Categorical(float[] p, int k, Tensor target)
    {
        var b = new GraphBuilder("categorical_accuracy_test");
        string o = b.Input("output", TensorType.Float(N, k));
        string t = b.Input("target", new TensorType(target.Elem, [N, .. target.Dims[1..]]));
        string acc = Metrics.CategoricalAccuracy(b, o, t);
        b.Output(acc);
        var r = OrtRunner.RunOnce(b.Graph, Tensor.FromFloats("output", p, p.Length / k, k), target.Rename("target"))[acc];
        Assert.Empty(r.Dims);
        return r.Floats[0];
    }

    [Fact]
    public void Binary_accuracy_thresholds_strictly_above_one_half()
    {
        // 0.5 exactly predicts class 0 (Keras: p > 0.5); the neighbours of 0.5 in float32 fall on either side
        float[] p = [0.5f, 0.5f, 0.5f, 0.50000006f, 0.49999997f, 0f, 1f, 0.9f, 0.1f];
        float[] y = [0f, 0f, 1f, 1f, 0f, 0f, 1f, 0f, 1f];
        //          hit hit miss hit hit hit hit miss miss (p >= 0.5 would give 5 of 9)
        Assert.Equal(6f / 9, Binary(p, y), 6);
    }

    [Fact]
    public void Binary_accuracy_matches_a_count_on_random_data()
    {
        const int n = 50;
        var p = Numeric.Random(n, 11, 0, 1);
        var y = Numeric.Random(n, 12, 0, 1).Select(v => v < 0.5f ? 0f : 1f).ToArray();
        float expected = (float)p.Select((v, i) => (v > 0.5f ? 1f : 0f) == y[i] ? 1.0 : 0.0).Average();
        Assert.InRange(expected, 0.2f, 0.8f); // random: neither all right nor all wrong
        Assert.Equal(expected, Binary(p, y), 6);
    }

    [Fact]
    public void Categorical_accuracy_breaks_ties_toward_the_first_index()
    {
        const int k = 3;
        float[] p =
        [
            0.4f, 0.4f, 0.2f, // tie between 0 and 1: predicts 0
            0.4f, 0.4f, 0.2f,
            0.2f, 0.3f, 0.5f,
            0.1f, 0.8f, 0.1f,
            1f / 3, 1f / 3, 1f / 3, // all equal: predicts 0
        ];
        int[] labels = [0, 1, 2, 2, 0];
        const float expected = 3f / 5; // hit, miss (tie went to 0), hit, miss, hit
        long[] sparse = labels.Select(l => (long)l).ToArray();
        Assert.Equal(expected, Categorical(p, k, Tensor.FromFloats("", LossTests.OneHot(labels, k), 5, k)));
        Assert.Equal(expected, Categorical(p, k, Tensor.FromInt64s("", sparse, 5)));
        Assert.Equal(expected, Categorical(p, k, Tensor.FromInt64s("", sparse, 5, 1)));
    }

    [Fact]
    public void Categorical_accuracy_matches_a_count_on_random_data()
    {
        const int n = 40, k = 4;
        var p = Numeric.Random(n * k, 13, 0, 1);
        var labels = Numeric.Random(n, 14, 0, k).Select(v => Math.Min((int)v, k - 1)).ToArray();
        int hits = Enumerable.Range(0, n).Count(r =>
        {
            var row = p.AsSpan(r * k, k);
            int best = 0;
            for (int j = 1; j < k; j++) if (row[j] > row[best]) best = j;
            return best == labels[r];
        });
        Assert.InRange(hits, 3, n - 3);
        Assert.Equal((float)hits / n, Categorical(p, k, Tensor.FromInt64s("", labels.Select(l => (long)l).ToArray(), n)), 6);
        Assert.Equal((float)hits / n, Categorical(p, k, Tensor.FromFloats("", LossTests.OneHot(labels, k), n, k)), 6);
    }

    [Fact]
    public void Metrics_reject_targets_of_the_wrong_shape()
    {
        var b = new GraphBuilder("bad");
        string o = b.Input("o", TensorType.Float(N, 3));
        string wide = b.Input("wide", TensorType.Float(N, 4));
        var e = Assert.Throws<ArgumentException>(() => Metrics.CategoricalAccuracy(b, o, wide));
        Assert.Contains("f32[N,4]", e.Message);
        string o1 = b.Input("o1", TensorType.Float(N, 1));
        string flat = b.Input("flat", TensorType.Float(N));
        Assert.Throws<ArgumentException>(() => Metrics.BinaryAccuracy(b, o1, flat));
    }
}
