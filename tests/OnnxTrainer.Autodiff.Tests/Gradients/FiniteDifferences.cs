using OnnxTrainer.Autodiff.Gradients;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>
/// Gradient checks against central finite differences, both sides run in ONNX Runtime. The loss is a fixed random
/// projection of a value y, L = sum(y * R); the differences are taken on y and projected in double precision, so
/// float32 rounding of the sum does not swamp them.
/// </summary>
internal static class FiniteDifferences
{
    /// <summary>A graph with its loss, gradients and the projection, ready to run.</summary>
    public sealed class Setup : IDisposable
    {
        private readonly OrtRunner _runner;
        private readonly List<Tensor> _feeds;

        internal Setup(Graph graph, string y, float[] projection, List<Tensor> feeds, IReadOnlyDictionary<string, string> grads)
        {
            Graph = graph;
            Y = y;
            Projection = projection;
            _feeds = feeds;
            Grads = grads;
            _runner = new OrtRunner(graph);
        }

        public Graph Graph { get; }
        public string Y { get; }
        public float[] Projection { get; }
        public IReadOnlyDictionary<string, string> Grads { get; }

        /// <summary>The analytic gradients (wrt name -> values) at the fed point.</summary>
        public Dictionary<string, float[]> Analytic()
        {
            var outs = _runner.Run(_feeds, Grads.Values.ToList());
            return Grads.ToDictionary(kv => kv.Key, kv => outs[kv.Value].Floats);
        }

        /// <summary>The value <paramref name="name"/> of the graph at the fed point.</summary>
        public float[] Value(string name) => _runner.Run(_feeds, [name])[name].Floats;

        /// <summary>L = sum(y*R) in double with feed <paramref name="name"/> replaced by <paramref name="values"/>.</summary>
        public double Loss(string name, float[] values)
        {
            var feeds = _feeds.Select(t => t.Name == name ? Tensor.FromFloats(name, values, t.Dims) : t);
            var y = _runner.Run(feeds, [Y])[Y].Floats;
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y[i] * Projection[i];
            return sum;
        }

        /// <summary>(L(x + h e_i) - L(x - h e_i)) / 2h for feed <paramref name="name"/>.</summary>
        public double Central(string name, int i, float h)
        {
            var x = _feeds.First(t => t.Name == name).Floats;
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            // the step actually taken in float32
            return (Loss(name, plus) - Loss(name, minus)) / ((double)plus[i] - minus[i]);
        }

        /// <summary>
        /// Asserts every gradient against central differences: |fd - analytic| &lt;= atol + rtol*|fd|. With
        /// <paramref name="sample"/>, only that many random coordinates of each gradient where it is non-zero (there must
        /// be some) plus one random coordinate anywhere. With <paramref name="kinks"/> (ReLU/MaxPool networks, where a
        /// step may cross a switch), a one-sided difference on the side without the crossing may match instead.
        /// </summary>
        public void AssertMatches(float h = 1e-2f, double atol = 1e-3, double rtol = 1e-2, int? sample = null, int seed = 5, bool kinks = false)
        {
            var analytic = Analytic();
            var rng = new Random(seed);
            foreach (var (name, grad) in analytic)
            {
                var x = _feeds.First(t => t.Name == name).Floats;
                Assert.Equal(x.Length, grad.Length);
                int[] coords = Enumerable.Range(0, x.Length).ToArray();
                if (sample is { } k)
                {
                    var nonzero = coords.Where(i => grad[i] != 0).ToArray();
                    Assert.True(nonzero.Length > 0, $"d(loss)/d({name}) is zero everywhere.");
                    rng.Shuffle(nonzero);
                    coords = [.. nonzero.Take(k), rng.Next(x.Length)];
                }
                foreach (int i in coords)
                {
                    var (fd, minus, plus) = Differences(name, x, i, h);
                    double tol = atol + rtol * Math.Abs(fd);
                    bool ok = Math.Abs(fd - grad[i]) <= tol
                        || (kinks && (Math.Abs(minus - grad[i]) <= atol + rtol * Math.Abs(minus) || Math.Abs(plus - grad[i]) <= atol + rtol * Math.Abs(plus)));
                    if (!ok)
                        Assert.Fail($"d(loss)/d({name})[{i}]: finite differences give {fd:G6} (one-sided {minus:G6}, {plus:G6}), " +
                                    $"the gradient graph {grad[i]:G6} (tolerance {tol:G3}).");
                }
            }
        }

        /// <summary>Central, backward and forward differences at coordinate i (the steps actually taken in float32).</summary>
        private (double Central, double Minus, double Plus) Differences(string name, float[] x, int i, float h)
        {
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double l0 = Loss(name, x), lp = Loss(name, plus), lm = Loss(name, minus);
            return ((lp - lm) / ((double)plus[i] - minus[i]), (l0 - lm) / ((double)x[i] - minus[i]), (lp - l0) / ((double)plus[i] - x[i]));
        }

        public void Dispose() => _runner.Dispose();
    }

    /// <summary>
    /// Builds: every feed a graph input, y = <paramref name="body"/>(b), loss = ReduceSum(y * R) with R random, and the
    /// gradient pass for <paramref name="wrt"/> (default: every float feed). Outputs y and the gradients. The
    /// first dimension of the inputs named in <paramref name="batched"/> is the symbolic batch N (y must still be static).
    /// </summary>
    public static Setup Build(Func<GraphBuilder, string> body, IEnumerable<Tensor> feeds, IEnumerable<string>? wrt = null, int seed = 11,
        IEnumerable<string>? batched = null)
    {
        var b = new GraphBuilder("check");
        var list = feeds.ToList();
        var symbolic = (batched ?? []).ToHashSet();
        foreach (var t in list)
            b.Input(t.Name, symbolic.Contains(t.Name) ? t.Type with { Dims = [TensorType.Batch, .. t.Dims[1..]] } : t.Type);
        string y = body(b);
        return Finish(b, y, list, wrt ?? list.Where(t => t.Elem == ElementType.Float).Select(t => t.Name), seed);
    }

    /// <summary>
    /// The same on an existing graph: <paramref name="wrt"/> may name initializers, which become graph inputs fed
    /// with their values (so the differences can move them).
    /// </summary>
    public static Setup Build(GraphBuilder b, string y, IEnumerable<Tensor> feeds, IEnumerable<string> wrt, int seed = 11)
    {
        var list = feeds.ToList();
        var names = wrt.ToList();
        foreach (var name in names)
        {
            if (b.Graph.FindInitializer(name) is not { } t) continue;
            b.Graph.Initializers.Remove(t);
            b.Graph.Inputs.Add(new ValueInfo(name, t.Type));
            list.Add(t);
        }
        return Finish(b, y, list, names, seed);
    }

    private static Setup Finish(GraphBuilder b, string y, List<Tensor> feeds, IEnumerable<string> wrt, int seed)
    {
        var dims = b.DimsOf(y);
        Assert.True(dims.All(d => d >= 0), $"y must have a static shape, got {b.TypeOf(y)}.");
        int count = (int)Shapes.Product(dims);
        var r = Numeric.Random(count, seed);
        string projection = b.Floats("R", r, dims);
        string loss = b.Op("ReduceSum", [b.Op("Mul", [y, projection])], "loss", GraphBuilder.A("keepdims", 0L));
        var grads = GradientPass.Build(b, loss, wrt.ToList());
        if (!b.Graph.Outputs.Any(o => o.Name == y)) b.Output(y);
        foreach (var g in grads.Values.Distinct()) b.Output(g);
        return new Setup(b.Graph, y, r, feeds, grads);
    }

    /// <summary>Random well-conditioned values in [low, high].</summary>
    public static Tensor Random(string name, int seed, float low, float high, params long[] dims) =>
        Tensor.FromFloats(name, Numeric.Random((int)Shapes.Product(dims), seed, low, high), dims);
}
