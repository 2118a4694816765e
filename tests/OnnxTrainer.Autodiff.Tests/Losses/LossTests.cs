using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Autodiff.Tests.Losses;

/// <summary>Each loss evaluated in ONNX Runtime against the same formula computed in double in C#.</summary>
public class LossTests
{
    private const long N = TensorType.Batch;
    private static readonly double Lo = 1e-7f, Hi = 1f - 1e-7f; // Keras clip bounds as float32 holds them

    /// <summary>Builds scores -> (sigmoid|softmax|identity) -> loss and evaluates it on the given tensors.</summary>
    private static float Evaluate(LossKind kind, string? activation, bool passLogits, Tensor scores, Tensor target)
    {
        var b = new GraphBuilder("loss_test");
        string s = b.Input("scores", new TensorType(scores.Elem, [N, .. scores.Dims[1..]]));
        string t = b.Input("target", new TensorType(target.Elem, [N, .. target.Dims[1..]]));
        string output = activation is null ? s : b.Op(activation, [s], "output");
        string loss;
        using (b.Scope("loss")) loss = Loss.Build(b, kind, passLogits ? s : null, output, t);
        b.Output(loss);
        Assert.Equal(TensorType.Float(), b.TypeOf(loss));
        var result = OrtRunner.RunOnce(b.Graph, scores.Rename("scores"), target.Rename("target"))[loss];
        Assert.Empty(result.Dims);
        return result.Floats[0];
    }

    private static void AssertLoss(double expected, float actual, double rtol = 2e-6, double atol = 2e-6)
    {
        Assert.True(float.IsFinite(actual), $"loss is {actual}");
        Assert.True(Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");
    }

    private static float[] Bits(int count, int seed) => Numeric.Random(count, seed, 0, 1).Select(v => v < 0.5f ? 0f : 1f).ToArray();

    private static double BceFromLogit(double z, double y) => Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z)));

    [Fact]
    public void Binary_from_logits_matches_the_probability_definition()
    {
        const int n = 9;
        var z = Numeric.Random(n, 1, -6, 6);
        var y = Bits(n, 2);
        // independent reference: -(y log s + (1-y) log(1-s)), s = sigmoid(z), fine in double for |z| <= 6
        double expected = Enumerable.Range(0, n).Average(i =>
        {
            double p = 1 / (1 + Math.Exp(-(double)z[i]));
            return -(y[i] * Math.Log(p) + (1 - y[i]) * Math.Log(1 - p));
        });
        AssertLoss(expected, Evaluate(LossKind.BinaryCrossentropy, "Sigmoid", true, Tensor.FromFloats("", z, n, 1), Tensor.FromFloats("", y, n, 1)));
    }

    [Fact]
    public void Binary_from_logits_is_finite_and_exact_at_saturated_logits()
    {
        float[] z = [50, 50, -50, -50, 100, -100, 0, 17.5f];
        float[] y = [1, 0, 1, 0, 0, 1, 1, 0];
        double expected = z.Select((v, i) => BceFromLogit(v, y[i])).Average();
        Assert.InRange(expected, 39.7, 39.8); // (50 + 50 + 100 + 100 + log 2 + 17.5) / 8
        float actual = Evaluate(LossKind.BinaryCrossentropy, "Sigmoid", true, Tensor.FromFloats("", z, 8, 1), Tensor.FromFloats("", y, 8, 1));
        AssertLoss(expected, actual);
    }

    [Fact]
    public void Binary_from_probabilities_clips_like_keras()
    {
        // no logits (e.g. a model whose sigmoid is not its last node): Keras clips p to [1e-7, 1 - 1e-7]
        float[] p = [0f, 1f, 0f, 1f, 0.3f, 0.9f, 1e-9f, 0.5f];
        float[] y = [0f, 1f, 1f, 0f, 1f, 0f, 1f, 1f];
        double expected = p.Select((v, i) =>
        {
            double c = Math.Clamp(v, Lo, Hi);
            return -(y[i] * Math.Log(c) + (1 - y[i]) * Math.Log(1 - c));
        }).Average();
        float actual = Evaluate(LossKind.BinaryCrossentropy, null, false, Tensor.FromFloats("", p, 8, 1), Tensor.FromFloats("", y, 8, 1));
        AssertLoss(expected, actual);
        Assert.InRange(actual, 6.5, 6.6); // dominated by three clipped misses costing about 16 each
    }

    [Fact]
    public void Categorical_from_logits_matches_log_softmax()
    {
        const int n = 6, k = 5;
        var z = Numeric.Random(n * k, 3, -4, 4);
        z[0] = 1000; z[1] = -1000; // a row that overflows exp() unless log-softmax is stable
        var labels = new[] { 1, 0, 4, 2, 3, 3 };
        var y = OneHot(labels, k);
        double expected = Enumerable.Range(0, n).Average(r =>
        {
            var row = z.Skip(r * k).Take(k).Select(v => (double)v).ToArray();
            double max = row.Max();
            double lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
            return lse - row[labels[r]];
        });
        float actual = Evaluate(LossKind.CategoricalCrossentropy, "Softmax", true, Tensor.FromFloats("", z, n, k), Tensor.FromFloats("", y, n, k));
        AssertLoss(expected, actual);
        Assert.True(expected > 2000 / 6.0, "the first row alone contributes 2000 / n");
    }

    [Fact]
    public void Sparse_categorical_equals_categorical_on_the_same_labels()
    {
        const int n = 7, k = 4;
        var z = Numeric.Random(n * k, 4, -3, 3);
        var labels = new long[] { 0, 3, 2, 1, 1, 3, 0 };
        double expected = Enumerable.Range(0, n).Average(r =>
        {
            var row = z.Skip(r * k).Take(k).Select(v => (double)v).ToArray();
            return Math.Log(row.Sum(Math.Exp)) - row[labels[r]];
        });
        var scores = Tensor.FromFloats("", z, n, k);
        AssertLoss(expected, Evaluate(LossKind.SparseCategoricalCrossentropy, "Softmax", true, scores, Tensor.FromInt64s("", labels, n)));
        AssertLoss(expected, Evaluate(LossKind.SparseCategoricalCrossentropy, "Softmax", true, scores, Tensor.FromInt64s("", labels, n, 1)));
        AssertLoss(expected, Evaluate(LossKind.CategoricalCrossentropy, "Softmax", true, scores,
            Tensor.FromFloats("", OneHot(labels.Select(l => (int)l).ToArray(), k), n, k)));
    }

    [Fact]
    public void Categorical_from_probabilities_normalizes_and_clips_like_keras()
    {
        const int k = 3;
        // rows: unnormalized probabilities, an exact one-hot prediction that is right, and one that is wrong (clipped)
        float[] p = [0.2f, 0.6f, 0.4f, 0f, 0f, 1f, 0f, 0f, 1f, 0.1f, 0.7f, 0.2f];
        int[] labels = [1, 2, 0, 0];
        double expected = Enumerable.Range(0, 4).Average(r =>
        {
            var row = p.Skip(r * k).Take(k).Select(v => (double)v).ToArray();
            double sum = row.Sum();
            return -Math.Log(Math.Clamp(row[labels[r]] / sum, Lo, Hi));
        });
        var probs = Tensor.FromFloats("", p, 4, k);
        AssertLoss(expected, Evaluate(LossKind.CategoricalCrossentropy, null, false, probs, Tensor.FromFloats("", OneHot(labels, k), 4, k)));
        AssertLoss(expected, Evaluate(LossKind.SparseCategoricalCrossentropy, null, false, probs,
            Tensor.FromInt64s("", labels.Select(l => (long)l).ToArray(), 4)));
        Assert.InRange(expected, 4.7, 4.8); // the wrong one-hot row costs -log(1e-7) = 16.1
    }

    [Fact]
    public void Mean_squared_error_averages_over_every_element()
    {
        const int n = 5, k = 3;
        var o = Numeric.Random(n * k, 5, -2, 2);
        var t = Numeric.Random(n * k, 6, -2, 2);
        double expected = o.Select((v, i) => ((double)v - t[i]) * ((double)v - t[i])).Average();
        AssertLoss(expected, Evaluate(LossKind.MeanSquaredError, null, false, Tensor.FromFloats("", o, n, k), Tensor.FromFloats("", t, n, k)));
        // logits are ignored by mse: the loss is on the output
        var s = Numeric.Random(n, 7, -3, 3);
        var y = Numeric.Random(n, 8, 0, 1);
        double onSigmoid = s.Select((v, i) => Math.Pow(1 / (1 + Math.Exp(-(double)v)) - y[i], 2)).Average();
        AssertLoss(onSigmoid, Evaluate(LossKind.MeanSquaredError, "Sigmoid", true, Tensor.FromFloats("", s, n, 1), Tensor.FromFloats("", y, n, 1)));
    }

    [Fact]
    public void Losses_use_only_differentiable_primitives_on_the_score_path()
    {
        var allowed = new HashSet<string> { "Add", "Sub", "Mul", "Div", "Neg", "Abs", "Exp", "Log", "Relu", "Sigmoid", "Softmax",
            "LogSoftmax", "ReduceMean", "ReduceSum", "Reshape", "Identity", "Pow" };
        foreach (var kind in Enum.GetValues<LossKind>())
            foreach (bool logits in new[] { true, false })
            {
                var b = new GraphBuilder("ops");
                string s = b.Input("scores", TensorType.Float(N, 3));
                string t = kind == LossKind.SparseCategoricalCrossentropy ? b.Input("target", TensorType.Int64(N)) : b.Input("target", TensorType.Float(N, 3));
                string output = b.Op("Softmax", [s]);
                Loss.Build(b, kind, logits ? s : null, output, t);
                // every node downstream of the scores must be differentiable
                var reached = new HashSet<string> { s };
                foreach (var node in b.Graph.Nodes.Where(n => n.Inputs.Any(reached.Contains)))
                {
                    Assert.True(allowed.Contains(node.OpType), $"{kind} (logits: {logits}) differentiates through {node.OpType}");
                    foreach (var o in node.Outputs) reached.Add(o);
                }
            }
    }

    [Fact]
    public void Mismatched_targets_are_rejected_with_the_shapes_in_the_message()
    {
        var b = new GraphBuilder("bad");
        string z = b.Input("z", TensorType.Float(N, 1));
        string p = b.Op("Sigmoid", [z]);
        string flat = b.Input("flat", TensorType.Float(N));
        var e = Assert.Throws<ArgumentException>(() => Loss.Build(b, LossKind.BinaryCrossentropy, z, p, flat));
        Assert.Contains("f32[N]", e.Message);
        Assert.Contains("f32[N,1]", e.Message);
        string labels = b.Input("labels", TensorType.Float(N));
        Assert.Throws<ArgumentException>(() => Loss.Build(b, LossKind.SparseCategoricalCrossentropy, z, p, labels));
        string k3 = b.Input("k3", TensorType.Float(N, 3));
        Assert.Throws<ArgumentException>(() => Loss.Build(b, LossKind.MeanSquaredError, null, p, k3));
    }

    [Theory]
    [InlineData("binary_crossentropy", LossKind.BinaryCrossentropy)]
    [InlineData("categorical_crossentropy", LossKind.CategoricalCrossentropy)]
    [InlineData("sparse_categorical_crossentropy", LossKind.SparseCategoricalCrossentropy)]
    [InlineData("mse", LossKind.MeanSquaredError)]
    [InlineData("mean_squared_error", LossKind.MeanSquaredError)]
    [InlineData("Binary_Crossentropy", LossKind.BinaryCrossentropy)]
    public void Parse_knows_the_keras_names(string name, LossKind kind) => Assert.Equal(kind, Loss.Parse(name));

    [Fact]
    public void Parse_lists_the_valid_names_for_an_unknown_one()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.Parse("hinge"));
        Assert.Contains("'hinge'", e.Message);
        foreach (var valid in new[] { "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mean_squared_error" })
            Assert.Contains(valid, e.Message);
    }

    internal static float[] OneHot(int[] labels, int k)
    {
        var y = new float[labels.Length * k];
        for (int r = 0; r < labels.Length; r++) y[r * k + labels[r]] = 1;
        return y;
    }
}
