using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>
/// The batch-normalization pass (training form, batch statistics) and the layer's inference form, both against a
/// double-precision reference written as plain loops, and the training form's gradients against finite differences.
/// </summary>
public class BatchNormTrainingTests
{
    private const int N = 4, C = 3, H = 2, W = 5;

    /// <summary>x [N, C, H, W] and per-channel scale, bias, moving mean and variance.</summary>
    private static (Tensor X, Tensor Scale, Tensor Bias, Tensor Mean, Tensor Var) Values() =>
        (Random("x", 201, -2f, 3f, N, C, H, W), Random("scale", 202, 0.5f, 1.5f, C), Random("bias", 203, -1f, 1f, C),
         Random("mean", 204, -0.5f, 0.5f, C), Random("var", 205, 0.5f, 2f, C));

    /// <summary>A graph: y = BatchNormalization(x, ...) then Relu (a consumer after it), the statistics as initializers.</summary>
    private static Graph BnGraph(float? momentum, string name = "bn")
    {
        var v = Values();
        var b = new GraphBuilder("bn");
        b.Input("x", TensorType.Float(TensorType.Batch, C, H, W));
        foreach (var t in new[] { v.Scale, v.Bias, v.Mean, v.Var }) b.Initializer(t);
        var attrs = new List<NodeAttribute> { A("epsilon", 1e-3f) };
        if (momentum is { } m) attrs.Add(A("momentum", m));
        string y = b.Op("BatchNormalization", ["x", "scale", "bias", "mean", "var"], name + "/out", [.. attrs]);
        b.Output(b.Op("Relu", [y], "relu"));
        b.Output(y);
        return b.Graph;
    }

    /// <summary>Per channel in double: batch mean, biased batch variance, y, and the moving statistics after one step.</summary>
    private static (double[] Y, double[] NewMean, double[] NewVar) Reference(bool training, double momentum)
    {
        var (x, scale, bias, mean, variance) = Values();
        var y = new double[x.Floats.Length];
        var newMean = new double[C];
        var newVar = new double[C];
        for (int c = 0; c < C; c++)
        {
            double m = 0, s = 0;
            int count = N * H * W;
            for (int n = 0; n < N; n++)
                for (int i = 0; i < H * W; i++) m += x.Floats[(n * C + c) * H * W + i];
            m /= count;
            for (int n = 0; n < N; n++)
                for (int i = 0; i < H * W; i++) s += Math.Pow(x.Floats[(n * C + c) * H * W + i] - m, 2);
            s /= count;                                                          // biased
            double useMean = training ? m : mean.Floats[c], useVar = training ? s : variance.Floats[c];
            for (int n = 0; n < N; n++)
                for (int i = 0; i < H * W; i++)
                {
                    int at = (n * C + c) * H * W + i;
                    y[at] = (x.Floats[at] - useMean) / Math.Sqrt(useVar + 1e-3) * scale.Floats[c] + bias.Floats[c];
                }
            newMean[c] = mean.Floats[c] * momentum + m * (1 - momentum);
            newVar[c] = variance.Floats[c] * momentum + s * (1 - momentum);
        }
        return (y, newMean, newVar);
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}.");
    }

    [Theory]
    [InlineData(0.8f)]
    [InlineData(null)]        // ONNX's default momentum 0.9
    public void Training_form_matches_the_double_precision_reference(float? momentum)
    {
        var g = BnGraph(momentum);
        var updates = BatchNormTraining.Updates(BatchNormTraining.Apply(g, ["bn/out"]));
        Assert.Equal(["mean", "var"], updates.Select(u => u.Param));
        foreach (var u in updates) g.Outputs.Add(new ValueInfo(u.NewValue, g.TypeOf(u.NewValue)));
        var outs = OrtRunner.RunOnce(g, Values().X);
        var (y, newMean, newVar) = Reference(training: true, momentum ?? 0.9);
        AssertClose(y, outs["bn/out"].Floats, "y");
        AssertClose(y.Select(v => Math.Max(v, 0)).ToArray(), outs["relu"].Floats, "relu(y)");
        AssertClose(newMean, outs[updates[0].NewValue].Floats, "new moving mean");
        AssertClose(newVar, outs[updates[1].NewValue].Floats, "new moving variance");
    }

    [Fact]
    public void Inference_form_of_the_layer_matches_the_double_precision_reference_and_carries_keras_attributes()
    {
        var v = Values();
        var b = new GraphBuilder("layer");
        b.Input("x", TensorType.Float(TensorType.Batch, C, H, W));
        foreach (var (t, name) in new[] { (v.Scale, "bn/gamma"), (v.Bias, "bn/beta"), (v.Mean, "bn/moving_mean"), (v.Var, "bn/moving_variance") })
            b.Initializer(t.Rename(name));
        string y = new BatchNormalization { Name = "bn" }.Emit(new EmitContext(b, training: false), "x", [H, W, C]);
        b.Output(y);
        var node = b.Graph.Nodes.Single();
        Assert.Equal("BatchNormalization", node.OpType);
        Assert.Equal(1e-3f, node.Float("epsilon", 0));
        Assert.Equal(0.99f, node.Float("momentum", 0));
        AssertClose(Reference(training: false, 0.99).Y, OrtRunner.RunOnce(b.Graph, v.X)[y].Floats, "y");
    }

    [Fact]
    public void The_layer_emits_the_same_op_in_its_training_form()
    {
        var b = new GraphBuilder("layer");
        b.Input("x", TensorType.Float(TensorType.Batch, C, H, W));
        foreach (var p in new BatchNormalization { Name = "bn" }.Params([H, W, C])) b.Initializer(Tensor.FromFloats(p.Name, new float[C], C));
        var ctx = new EmitContext(b, training: true);
        new BatchNormalization { Name = "bn" }.Emit(ctx, "x", [H, W, C]);
        Assert.Equal("BatchNormalization(x, bn/gamma, bn/beta, bn/moving_mean, bn/moving_variance) -> bn/out", b.Graph.Nodes.Single().ToString());
        Assert.Empty(ctx.StateUpdates);   // the pass makes them
    }

    [Fact]
    public void Rewritten_nodes_take_the_place_of_the_node_and_other_nodes_stay()
    {
        var g = BnGraph(0.9f);
        var b = new GraphBuilder(g);
        string second = b.Op("BatchNormalization", ["relu", "scale", "bias", "mean", "var"], "bn2/out");
        b.Output(b.Op("Neg", [second], "after"));
        BatchNormTraining.Apply(g, ["bn/out"]);
        Assert.Single(g.Nodes, n => n.OpType == "BatchNormalization");
        Assert.Equal("bn2/out", g.Nodes.Single(n => n.OpType == "BatchNormalization").Name);
        var produced = new HashSet<string>(g.Inputs.Select(i => i.Name).Concat(g.Initializers.Select(t => t.Name)));
        foreach (var n in g.Nodes)
        {
            Assert.All(n.Inputs.Where(i => i.Length > 0), i => Assert.True(produced.Contains(i), $"{n} reads '{i}' before it is made."));
            foreach (var o in n.Outputs) produced.Add(o);
        }
        // the primitives sit together where the node was: right before its consumer, the Relu
        int relu = g.Nodes.FindIndex(n => n.Name == "relu");
        var rewritten = g.Nodes.Select((n, i) => (n, i)).Where(p => p.n.Name.StartsWith("bn/out", StringComparison.Ordinal)).Select(p => p.i).ToList();
        Assert.Equal(Enumerable.Range(0, relu), rewritten);
    }

    [Fact]
    public void Training_mode_node_keeps_its_running_statistics_outputs()
    {
        // ONNX's own training form: outputs Y, running_mean, running_var; the pass writes the new statistics there
        var v = Values();
        var b = new GraphBuilder("bn3");
        b.Input("x", TensorType.Float(TensorType.Batch, C, H, W));
        foreach (var t in new[] { v.Scale, v.Bias, v.Mean, v.Var }) b.Initializer(t);
        b.Node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], 3, [A("epsilon", 1e-3f), A("momentum", 0.7f), A("training_mode", 1L)],
            ["y", "running_mean", "running_var"]);
        foreach (var o in new[] { "y", "running_mean", "running_var" }) b.Output(o);
        var updates = BatchNormTraining.Updates(BatchNormTraining.Apply(b.Graph, [b.Graph.Nodes.Single().Name]));
        Assert.Equal([new StateUpdate("mean", "running_mean"), new StateUpdate("var", "running_var")], updates);
        var outs = OrtRunner.RunOnce(b.Graph, v.X);
        var (y, newMean, newVar) = Reference(training: true, 0.7);
        AssertClose(y, outs["y"].Floats, "y");
        AssertClose(newMean, outs["running_mean"].Floats, "running_mean");
        AssertClose(newVar, outs["running_var"].Floats, "running_var");
    }

    [Fact]
    public void Naming_a_missing_or_other_node_is_an_error()
    {
        var g = BnGraph(0.9f);
        var e = Assert.Throws<ArgumentException>(() => BatchNormTraining.Apply(g, ["nope"]));
        Assert.StartsWith("Graph 'bn' has no node 'nope' to run with batch statistics.", e.Message);
        e = Assert.Throws<ArgumentException>(() => BatchNormTraining.Apply(g, ["relu"]));
        Assert.StartsWith("Node 'relu' of graph 'bn' is Relu, not BatchNormalization.", e.Message);
    }

    [Fact]
    public void Training_form_gradients_match_finite_differences_with_symbolic_batch()
    {
        var v = Values();
        var b = new GraphBuilder("bn-fd");
        b.Input("x", TensorType.Float(TensorType.Batch, C, H, W));
        foreach (var t in new[] { v.Scale, v.Bias, v.Mean, v.Var }) b.Initializer(t);
        string y = b.Op("BatchNormalization", ["x", "scale", "bias", "mean", "var"], "bn/out", A("epsilon", 1e-3f));
        BatchNormTraining.Apply(b.Graph, ["bn/out"]);
        string fixedShape = b.Op("Reshape", [y, b.Ints(N, C, H, W)]);
        using var s = Build(b, fixedShape, [v.X], ["x", "scale", "bias"]);
        s.AssertMatches(h: 1e-3f, atol: 2e-3);
    }

    [Fact]
    public void Training_form_after_dense_normalizes_over_the_batch_only()
    {
        // rank 2 [N, C]: statistics over N
        var b = new GraphBuilder("bn-dense");
        b.Input("x", TensorType.Float(5, 3));
        foreach (var t in new[] { Random("scale", 206, 0.5f, 1.5f, 3), Random("bias", 207, -1f, 1f, 3), Random("mean", 208, 0f, 1f, 3), Random("var", 209, 0.5f, 1f, 3) })
            b.Initializer(t);
        string y = b.Op("BatchNormalization", ["x", "scale", "bias", "mean", "var"], "bn/out");
        BatchNormTraining.Apply(b.Graph, ["bn/out"]);
        b.Output(y);
        var x = Random("x", 210, -1f, 1f, 5, 3);
        var outs = OrtRunner.RunOnce(b.Graph, x)[y].Floats;
        for (int c = 0; c < 3; c++)
        {
            var column = Enumerable.Range(0, 5).Select(n => (double)outs[n * 3 + c]).ToArray();
            Assert.Equal(b.Graph.FindInitializer("bias")!.Floats[c], column.Average(), 5);   // mean of y = bias
        }
        using var s = Build(b, y, [x], ["x", "scale", "bias"]);
        s.AssertMatches(h: 1e-3f, atol: 2e-3);
    }

    [Fact]
    public void Train_step_of_the_bn_zoo_model_runs_every_batch_normalization_with_batch_statistics()
    {
        var model = Zoo.Build("mnist-convnet-bn", new());
        var frozenMode = TrainStepGraph.Build(ZooNetwork.Build(model, Weights.Initialize(model, 1), batchNorm: BatchNormMode.Frozen),
            LossKind.SparseCategoricalCrossentropy, Optimizer.Create("rmsprop"));
        Assert.Equal(3, frozenMode.Graph.Nodes.Count(n => n.OpType == "BatchNormalization"));   // --bn-mode frozen: inference form, no states
        Assert.Empty(frozenMode.States);
        TrainMode(model);
    }

    private static void TrainMode(Model model)
    {
        var step = TrainStepGraph.Build(ZooNetwork.Build(model, Weights.Initialize(model, 1), batchNorm: BatchNormMode.Train),
            LossKind.SparseCategoricalCrossentropy, Optimizer.Create("rmsprop"));
        Assert.DoesNotContain(step.Graph.Nodes, n => n.OpType == "BatchNormalization");
        Assert.Equal(
            [.. new[] { 1, 2, 3 }.SelectMany(k => new[] { $"batch_normalization_{k}/moving_mean", $"batch_normalization_{k}/moving_variance" })],
            step.States.Select(s => s.Value));
        // 3 conv kernels (no bias), 3 gammas, 3 betas, 2 dense kernels and biases; the moving statistics are states, not parameters
        Assert.Equal(13, step.Parameters.Count);
        Assert.Equal(9, step.Parameters.Count(p => p.Value.StartsWith("conv2d_", StringComparison.Ordinal) || p.Value.EndsWith("/gamma", StringComparison.Ordinal) || p.Value.EndsWith("/beta", StringComparison.Ordinal)));
    }
}
