using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>Grad-CAM outputs against finite differences of the class logit, class selection, defaults, errors, snapshot.</summary>
public class ExplainOutputsTests
{
    private const int Batch = 2;

    /// <summary>8x8x3 -> conv 4 relu -> conv 5 relu (the target, 4x4) -> maxpool 2x2 -> dense classes.</summary>
    internal static Model Tiny(int classes) => new("tiny", [8, 8, 3],
    [
        new Conv2D { Name = "conv_a", Filters = 4, Activation = Activation.Relu },
        new Conv2D { Name = "conv_b", Filters = 5, Activation = Activation.Relu },
        new Pooling2D { Name = "pool" },
        new Flatten { Name = "flatten" },
        Zoo.Classifier("dense", classes),
    ]);

    private static Tensor Image(int seed) => Tensor.FromFloats("input", Numeric.Random(Batch * 3 * 8 * 8, seed, 0f, 255f), Batch, 3, 8, 8);

    private static Graph Explained(Model model, long seed)
    {
        var graph = ForwardGraph.Build(model, Weights.Initialize(model, seed), training: false).Graph;
        ExplainOutputs.Apply(graph, "conv_b/out");
        return graph;
    }

    /// <summary>The classifier's logits as a function of A = conv_b/out: the forward graph cut at A, A an input.</summary>
    private static OrtRunner HeadOf(Model model, long seed, out string logits)
    {
        var graph = ForwardGraph.Build(model, Weights.Initialize(model, seed), training: false).Graph;
        logits = ExplainOutputs.FindLogits(graph).Logits;
        graph.Nodes.Remove(graph.Producer("conv_b/out")!);
        graph.Inputs.Clear();
        graph.Inputs.Add(new ValueInfo("conv_b/out", graph.TypeOf("conv_b/out")));
        graph.Outputs.Clear();
        graph.Outputs.Add(new ValueInfo(logits, graph.TypeOf(logits)));
        Prune.Apply(graph);
        return new OrtRunner(graph);
    }

    /// <summary>
    /// d score/dA by differences on the head, score = sum_n sign_n * logits[n, column_n]: (central, backward, forward) per
    /// coordinate. Where A is a ReLU zero tied with others in a max-pool window, only one side moves the max: the
    /// one-sided differences then differ, and the gradient graph must match one of them.
    /// </summary>
    private static (double C, double M, double P)[] Differences(OrtRunner head, string logits, float[] a, long[] dims, int[] columns, double[] signs, float h = 1e-3f)
    {
        double Score(float[] values)
        {
            var y = head.Run([Tensor.FromFloats("conv_b/out", values, dims)], [logits])[logits].Floats;
            int per = y.Length / Batch;
            double s = 0;
            for (int n = 0; n < Batch; n++) s += signs[n] * y[n * per + columns[n]];
            return s;
        }
        double s0 = Score(a);
        var d = new (double, double, double)[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            var plus = (float[])a.Clone();
            var minus = (float[])a.Clone();
            plus[i] += h;
            minus[i] -= h;
            double sp = Score(plus), sm = Score(minus);
            d[i] = ((sp - sm) / ((double)plus[i] - minus[i]), (s0 - sm) / ((double)a[i] - minus[i]), (sp - s0) / ((double)plus[i] - a[i]));
        }
        return d;
    }

    /// <summary>Per coordinate, the difference (central, else one-sided) the analytic gradient matches; fails where none does.</summary>
    private static double[] Matched((double C, double M, double P)[] fd, float[] analytic)
    {
        var picked = new double[fd.Length];
        for (int i = 0; i < fd.Length; i++)
        {
            var (c, m, p) = fd[i];
            var hit = new[] { c, m, p }.Where(v => Math.Abs(v - analytic[i]) <= 2e-3 + 2e-2 * Math.Abs(v)).Take(1).ToArray();
            Assert.True(hit.Length == 1, $"dy/dA[{i}]: the gradient graph gives {analytic[i]:G6}, differences give {c:G6} (one-sided {m:G6}, {p:G6}).");
            picked[i] = hit[0];
        }
        return picked;
    }

    /// <summary>ReLU(sum_k mean_ij(g_k) A_k) / max, per example, in double.</summary>
    private static double[] ReferenceHeatmap(float[] a, double[] g, long[] dims)
    {
        int k = (int)dims[1], hw = (int)(dims[2] * dims[3]);
        var heat = new double[Batch * hw];
        for (int n = 0; n < Batch; n++)
        {
            for (int c = 0; c < k; c++)
            {
                double alpha = 0;
                for (int p = 0; p < hw; p++) alpha += g[(n * k + c) * hw + p];
                alpha /= hw;
                for (int p = 0; p < hw; p++) heat[n * hw + p] += alpha * a[(n * k + c) * hw + p];
            }
            double peak = 0;
            for (int p = 0; p < hw; p++) peak = Math.Max(peak, heat[n * hw + p] = Math.Max(0, heat[n * hw + p]));
            for (int p = 0; p < hw; p++) heat[n * hw + p] = peak > 0 ? heat[n * hw + p] / peak : 0;
        }
        return heat;
    }

    [Theory]
    [InlineData(3, new long[] { -1, -1 }, 7)]   // softmax, the predicted classes
    [InlineData(3, new long[] { 2, 0 }, 7)]     // softmax, chosen classes
    [InlineData(1, new long[] { 1, 0 }, 8)]     // sigmoid: class 1 explains the logit, class 0 explains -logit
    [InlineData(1, new long[] { -1, -1 }, 8)]
    public void Heatmap_and_gradients_match_finite_differences(int classes, long[] chosen, long seed)
    {
        var model = Tiny(classes);
        var graph = Explained(model, seed);
        using var runner = new OrtRunner(graph);
        var outs = runner.Run([Image(3), Tensor.FromInt64s(ExplainOutputs.ClassInput, chosen, Batch)]);
        var a = outs[ExplainOutputs.Activations].Floats;
        var dims = outs[ExplainOutputs.Activations].Dims;
        Assert.Equal(new long[] { Batch, 5, 4, 4 }, dims);
        Assert.Equal(new long[] { Batch, 4, 4 }, outs[ExplainOutputs.Heatmap].Dims);

        // the class explained: the chosen one, or the predicted one for -1
        var p = outs["output"].Floats;
        var cls = outs[ExplainOutputs.Class].Int64s;
        for (int n = 0; n < Batch; n++)
        {
            long predicted = classes == 1 ? (p[n] > 0.5f ? 1 : 0) : Array.IndexOf(p, p.Skip(n * classes).Take(classes).Max(), n * classes) - n * classes;
            Assert.Equal(chosen[n] < 0 ? predicted : chosen[n], cls[n]);
        }

        using var head = HeadOf(model, seed, out string logits);
        int[] columns = classes == 1 ? [0, 0] : cls.Select(c => (int)c).ToArray();
        double[] signs = classes == 1 ? cls.Select(c => c == 1 ? 1.0 : -1.0).ToArray() : [1.0, 1.0];
        var differences = Differences(head, logits, a, dims, columns, signs);
        var fd = Matched(differences, outs[ExplainOutputs.Gradients].Floats);
        Assert.True(differences.Count(d => Math.Abs(d.C) > 1e-3 && Math.Abs(d.M - d.P) < 1e-3) > 10, "many coordinates are checked by central differences");

        var expected = ReferenceHeatmap(a, fd, dims);
        var heat = outs[ExplainOutputs.Heatmap].Floats;
        Numeric.AssertClose(expected.Select(v => (float)v).ToArray(), heat, 5e-3f, 2e-2f, "heatmap");
        for (int n = 0; n < Batch; n++)
        {
            var row = heat.Skip(n * 16).Take(16).ToArray();
            Assert.All(row, v => Assert.InRange(v, 0f, 1f));
            Assert.True(row.Max() == 1f || row.All(v => v == 0f), $"example {n}: the heatmap peaks at {row.Max()}, expected 1 (or all zero)");
        }
    }

    [Fact]
    public void Sigmoid_classes_explain_opposite_scores_and_the_class_input_is_optional()
    {
        var graph = Explained(Tiny(1), 8);
        using var runner = new OrtRunner(graph);
        var one = runner.Run([Image(4), Tensor.FromInt64s(ExplainOutputs.ClassInput, [1, 1], Batch)]);
        var zero = runner.Run([Image(4), Tensor.FromInt64s(ExplainOutputs.ClassInput, [0, 0], Batch)]);
        Numeric.AssertClose(one[ExplainOutputs.Gradients].Floats.Select(v => -v).ToArray(), zero[ExplainOutputs.Gradients].Floats, 0f, 0f, "d(-logit)/dA");

        // only the image fed: explain_class takes its default [-1], the predicted class of every example
        var fed = runner.Run([Image(4)]);
        var p = fed["output"].Floats;
        Assert.Equal(p.Select(v => v > 0.5f ? 1L : 0L).ToArray(), fed[ExplainOutputs.Class].Int64s);
        var same = p[0] > 0.5f ? one : zero;
        Assert.Equal(same[ExplainOutputs.Heatmap].Floats.Take(16), fed[ExplainOutputs.Heatmap].Floats.Take(16));
        Assert.Equal(one["output"].Floats, fed["output"].Floats);
    }

    [Fact]
    public void Explaining_needs_a_classifier_and_a_feature_map_below_it()
    {
        var baseModel = Zoo.Build("vgg16-base", new ZooOptions { InputShape = [32, 32, 3] });
        var weights = new Weights();
        foreach (var p in baseModel.AllParams) weights.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        var graph = ForwardGraph.Build(baseModel, weights, training: false).Graph;
        var e = Assert.Throws<ArgumentException>(() => ExplainOutputs.Apply(graph, "block5_conv3/out"));
        Assert.Contains("must come from a Softmax over [N,C] or a Sigmoid over [N,1], found MaxPool", e.Message);

        var tiny = ForwardGraph.Build(Tiny(3), Weights.Initialize(Tiny(3), 1), training: false).Graph;
        Assert.Contains("is f32[N,20]", Assert.Throws<ArgumentException>(() => ExplainOutputs.Apply(tiny, "flatten/out")).Message);
        Assert.Contains("has no value 'nope/out'", Assert.Throws<ArgumentException>(() => ExplainOutputs.Apply(tiny, "nope/out")).Message);
        Assert.False(ExplainOutputs.IsApplied(tiny));
    }

    /// <summary>onnx-graphs/explain/: the explain graph of listing 5.5's convnet, reviewed like the zoo snapshots.</summary>
    [Fact]
    public void Catsdogs_convnet_explain_graph_snapshot_is_unchanged()
    {
        var model = Zoo.Build("catsdogs-convnet", new ZooOptions());
        var weights = new Weights();
        foreach (var p in model.AllParams) weights.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        var graph = ForwardGraph.Build(model, weights, training: false).Graph;
        ExplainOutputs.Apply(graph, "conv2d_4/out");
        Prune.Apply(graph); // the pass leaves input gradients nobody needs; export prunes them
        Assert.True(ExplainOutputs.IsApplied(graph));
        Approval.Verify("onnx-graphs/explain/catsdogs-convnet.explain.txt", GraphText.Render(graph));
    }
}
