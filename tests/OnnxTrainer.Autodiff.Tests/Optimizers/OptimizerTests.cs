using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Autodiff.Tests.Optimizers;

/// <summary>
/// Update graphs run in ONNX Runtime for three successive steps (new values fed back, lr changing between steps
/// on the same session) against the Keras formulas computed elementwise in double.
/// </summary>
public class OptimizerTests
{
    /// <summary>One element's update: (p, g, slots, lr, t) -> (p', slots').</summary>
    private delegate (double P, double[] Slots) Reference(double p, double g, double[] s, double lr, int t);

    /// <summary>A hyperparameter as the graph holds it (a float constant).</summary>
    private static double F(double v) => (float)v;

    private static Reference Rms(double rho = 0.9, double eps = 1e-7) => (p, g, s, lr, t) =>
    {
        double a = F(rho) * s[0] + F(1 - rho) * g * g;
        return (p - lr * g / (Math.Sqrt(a) + F(eps)), [a]);
    };

    private static Reference Sgd(double m, bool nesterov, double wd = 0) => (p, g, s, lr, t) =>
    {
        p -= lr * F(wd) * p;
        if (m == 0) return (p - lr * g, []);
        double v = F(m) * s[0] - lr * g;
        return (nesterov ? p + F(m) * v - lr * g : p + v, [v]);
    };

    private static Reference AdamRef(double wd, double b1 = 0.9, double b2 = 0.999, double eps = 1e-7) => (p, g, s, lr, t) =>
    {
        p -= lr * F(wd) * p;
        double m = s[0] + (g - s[0]) * F(1 - b1);
        double v = s[1] + (g * g - s[1]) * F(1 - b2);
        double lrT = lr * Math.Sqrt(1 - Math.Pow(F(b2), t)) / (1 - Math.Pow(F(b1), t));
        return (p - lrT * m / (Math.Sqrt(v) + F(eps)), [m, v]);
    };

    private static (Optimizer, Reference) Case(string name) => name switch
    {
        "rmsprop" => (Optimizer.Create("rmsprop"), Rms()),
        "rmsprop rho=0.8" => (Optimizer.Create("RMSprop", new OptimizerOptions { Rho = 0.8, Epsilon = 1e-4 }), Rms(0.8, 1e-4)),
        "sgd" => (Optimizer.Create("sgd"), Sgd(0, false)),
        "sgd momentum" => (Optimizer.Create("sgd", new OptimizerOptions { Momentum = 0.9 }), Sgd(0.9, false)),
        "sgd nesterov" => (Optimizer.Create("sgd", new OptimizerOptions { Momentum = 0.8, Nesterov = true }), Sgd(0.8, true)),
        "sgd weight decay" => (Optimizer.Create("sgd", new OptimizerOptions { Momentum = 0.5, WeightDecay = 0.1 }), Sgd(0.5, false, 0.1)),
        "adam" => (Optimizer.Create("adam"), AdamRef(0)),
        "adam betas" => (Optimizer.Create("adam", new OptimizerOptions { Beta1 = 0.5, Beta2 = 0.9, Epsilon = 1e-3 }), AdamRef(0, 0.5, 0.9, 1e-3)),
        "adamw" => (Optimizer.Create("adamw"), AdamRef(0.004)),
        "adamw wd=0.5" => (Optimizer.Create("adamw", new OptimizerOptions { WeightDecay = 0.5 }), AdamRef(0.5)),
        _ => throw new ArgumentException(name),
    };

    private static readonly (string Name, long[] Dims)[] Params = [("dense_1/W", [3, 4]), ("dense_1/B", [4])];

    /// <summary>Update graph for <see cref="Params"/>: inputs params, "grad/..." and slots, "lr", "step"; outputs "new/...".</summary>
    private static (Graph Graph, List<ParamUpdate> Updates) Build(Optimizer opt)
    {
        var b = new GraphBuilder("update_test");
        string lr = b.Input("lr", TensorType.Float());
        string step = b.Input("step", TensorType.Float());
        var updates = new List<ParamUpdate>();
        foreach (var (name, dims) in Params)
        {
            string p = b.Input(name, TensorType.Float(dims));
            string g = b.Input("grad/" + name, TensorType.Float(dims));
            var slots = opt.SlotsFor(name, dims).Select(s => b.Input(s.Name, TensorType.Float(s.Dims))).ToList();
            ParamUpdate u;
            using (b.Scope("update")) u = opt.Emit(b, p, g, slots, lr, step);
            b.Output(u.NewParam);
            foreach (var s in u.NewSlots) b.Output(s);
            updates.Add(u);
        }
        return (b.Graph, updates);
    }

    [Theory]
    [InlineData("rmsprop")]
    [InlineData("rmsprop rho=0.8")]
    [InlineData("sgd")]
    [InlineData("sgd momentum")]
    [InlineData("sgd nesterov")]
    [InlineData("sgd weight decay")]
    [InlineData("adam")]
    [InlineData("adam betas")]
    [InlineData("adamw")]
    [InlineData("adamw wd=0.5")]
    public void Three_steps_match_the_reference(string name)
    {
        var (opt, reference) = Case(name);
        var (graph, updates) = Build(opt);
        using var runner = new OrtRunner(graph);
        float[] lrs = [0.01f, 0.003f, 0.05f]; // fed per step: one graph serves any schedule
        var values = new Dictionary<string, float[]>();
        var exact = new Dictionary<string, double[]>();
        int seed = 100;
        foreach (var (p, dims) in Params)
        {
            int count = (int)Shapes.Product(dims);
            values[p] = Numeric.Random(count, seed++);
            foreach (var s in opt.SlotsFor(p, dims)) values[s.Name] = new float[count];
        }
        foreach (var (k, v) in values) exact[k] = v.Select(x => (double)x).ToArray();

        for (int t = 1; t <= 3; t++)
        {
            var feed = new List<Tensor> { Tensor.FromFloats("lr", [lrs[t - 1]]), Tensor.FromFloats("step", [t]) };
            var grads = new Dictionary<string, float[]>();
            foreach (var (p, dims) in Params)
            {
                grads[p] = Numeric.Random(values[p].Length, seed++, -2, 2);
                feed.Add(Tensor.FromFloats(p, values[p], dims));
                feed.Add(Tensor.FromFloats("grad/" + p, grads[p], dims));
                foreach (var s in opt.SlotsFor(p, dims)) feed.Add(Tensor.FromFloats(s.Name, values[s.Name], dims));
            }
            var outputs = runner.Run(feed);

            foreach (var u in updates)
            {
                var p = exact[u.Param];
                var slots = u.Slots.Select(s => exact[s]).ToArray();
                for (int i = 0; i < p.Length; i++)
                {
                    var (np, ns) = reference(p[i], grads[u.Param][i], slots.Select(s => s[i]).ToArray(), lrs[t - 1], t);
                    p[i] = np;
                    for (int k = 0; k < slots.Length; k++) slots[k][i] = ns[k];
                }
                foreach (var (value, next) in u.Slots.Prepend(u.Param).Zip(u.NewSlots.Prepend(u.NewParam)))
                {
                    var expected = exact[value].Select(x => (float)x).ToArray();
                    Numeric.AssertClose(expected, outputs[next].Floats, atol: 1e-6f, rtol: 1e-5f, what: $"{name} step {t} {next}");
                    values[value] = outputs[next].Floats; // feed the new values back
                }
            }
        }
    }

    [Fact]
    public void RmsProp_matches_the_hand_computed_step_with_epsilon_outside_the_root()
    {
        var b = new GraphBuilder("rmsprop_by_hand");
        var opt = Optimizer.Create("rmsprop");
        string p = b.Input("w", TensorType.Float(2));
        string g = b.Input("g", TensorType.Float(2));
        string a = b.Input(opt.SlotName("rms", "w"), TensorType.Float(2));
        var u = opt.Emit(b, p, g, [a], b.Input("lr", TensorType.Float()), b.Input("step", TensorType.Float()));
        b.Output(u.NewParam);
        b.Output(u.NewSlots[0]);
        Assert.Equal(("new/w", "new/rmsprop/rms/w"), (u.NewParam, u.NewSlots[0]));
        var r = OrtRunner.RunOnce(b.Graph, Tensor.FromFloats("w", [1f, 1f], 2), Tensor.FromFloats("g", [0.5f, 1e-4f], 2),
            Tensor.FromFloats(a, [0f, 0f], 2), Tensor.FromFloats("lr", [0.001f]), Tensor.FromFloats("step", [1f]));
        // a' = 0.1 * 0.5^2 = 0.025; p' = 1 - 0.001*0.5/(sqrt(0.025) + 1e-7)
        Assert.Equal(0.025, r["new/rmsprop/rms/w"].Floats[0], 1e-9);
        Assert.Equal(1 - 0.001 * 0.5 / (Math.Sqrt(0.025) + 1e-7), r["new/w"].Floats[0], 1e-7);
        // a tiny gradient tells where eps sits: sqrt(1e-9) + 1e-7 gives 0.9968477; sqrt(1e-9 + 1e-7) would give 0.9996854
        Assert.Equal(1e-9, r["new/rmsprop/rms/w"].Floats[1], 1e-14);
        Assert.Equal(1 - 0.001 * 1e-4 / (Math.Sqrt(1e-9) + 1e-7), r["new/w"].Floats[1], 1e-6);
    }

    [Fact]
    public void Adam_computes_its_bias_corrected_rate_once_for_all_parameters()
    {
        var (graph, updates) = Build(Optimizer.Create("adam"));
        Assert.Single(graph.Nodes, n => n.Outputs.Contains("update/adam/lr_t"));
        Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Pow")); // b1^t and b2^t, not two per parameter
        Assert.Equal(["new/adam/m/dense_1/W", "new/adam/v/dense_1/W"], updates[0].NewSlots);
        Assert.Equal("new/dense_1/B", updates[1].NewParam);
    }

    [Fact]
    public void Create_uses_keras_defaults_and_slot_names()
    {
        var rms = Assert.IsType<RmsProp>(Optimizer.Create("rmsprop"));
        Assert.Equal(rms, Optimizer.Create("RMSprop")); // value equality: same options, same optimizer
        Assert.NotEqual<Optimizer>(Optimizer.Create("adam"), Optimizer.Create("adamw", new OptimizerOptions { WeightDecay = 0 }));
        Assert.Equal((0.9, 1e-7, 0.0), (rms.Rho, rms.Epsilon, rms.WeightDecay));
        Assert.Equal(["rms"], rms.SlotKinds);
        Assert.Equal("rmsprop/rms/dense_1/W", rms.SlotName("rms", "dense_1/W"));
        var adamw = Assert.IsType<AdamW>(Optimizer.Create("AdamW"));
        Assert.Equal((0.9, 0.999, 1e-7, 0.004), (adamw.Beta1, adamw.Beta2, adamw.Epsilon, adamw.WeightDecay));
        Assert.Equal(["m", "v"], adamw.SlotKinds);
        Assert.Empty(Optimizer.Create("sgd").SlotKinds);
        Assert.Equal(["velocity"], Optimizer.Create("sgd", new OptimizerOptions { Momentum = 0.9 }).SlotKinds);
        var slot = Assert.Single(rms.SlotsFor("conv/W", [3, 3, 1, 32]));
        Assert.Equal("rmsprop/rms/conv/W", slot.Name);
        Assert.Equal([3L, 3, 1, 32], slot.Dims);
    }

    [Fact]
    public void Create_rejects_unknown_names_and_options_that_do_not_apply()
    {
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Create("adagrad"));
        Assert.Contains("'adagrad'", e.Message);
        foreach (var valid in new[] { "rmsprop", "sgd", "adam", "adamw" }) Assert.Contains(valid, e.Message);
        var wrong = Assert.Throws<ArgumentException>(() => Optimizer.Create("adam", new OptimizerOptions { Rho = 0.9, Nesterov = true }));
        Assert.Contains("Rho, Nesterov", wrong.Message);
        Assert.Contains("Beta1", wrong.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Create("adam", new OptimizerOptions { Beta2 = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Create("sgd", new OptimizerOptions { WeightDecay = -1 }));
    }

    [Fact]
    public void Emit_rejects_mismatched_gradients_and_missing_slots()
    {
        var b = new GraphBuilder("bad");
        string p = b.Input("w", TensorType.Float(2, 2));
        string g = b.Input("g", TensorType.Float(4));
        string lr = b.Input("lr", TensorType.Float());
        string step = b.Input("step", TensorType.Float());
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Create("sgd").Emit(b, p, g, [], lr, step));
        Assert.Contains("f32[4]", e.Message);
        string g2 = b.Input("g2", TensorType.Float(2, 2));
        var missing = Assert.Throws<ArgumentException>(() => Optimizer.Create("adam").Emit(b, p, g2, [], lr, step));
        Assert.Contains("needs 2 slot(s) [m, v]", missing.Message);
    }
}
