using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>End to end: every parameter gradient of the mnist-convnet training graph against finite differences.</summary>
public class MnistGradientTests
{
    private const int Batch = 2;

    [Fact]
    public void Mnist_convnet_gradients_of_all_parameters_match_finite_differences()
    {
        // without the input rescaling, so the double-precision reference sees the same network
        var model = Zoo.Build("mnist-convnet", new ZooOptions()).WithPreprocessing(Preprocessing.None);
        var weights = Weights.Initialize(model, 1);
        var fwd = ForwardGraph.Build(model, weights, training: true);
        var b = new GraphBuilder(fwd.Graph);
        // cross-entropy of the model's softmax against fixed random soft targets T, projected by R: loss = sum(-log(p)*T*R)
        var targets = Numeric.Random(Batch * 10, 91, 0f, 1f);
        string p = b.Op("Reshape", [fwd.Output, b.Ints(Batch, 10)]);
        string y = b.Op("Mul", [b.Op("Neg", [b.Op("Log", [p])]), b.Floats("targets", targets, Batch, 10)]);
        var x = Random(ForwardGraph.InputName, 92, 0f, 1f, Batch, 1, 28, 28);
        var parameters = model.TrainableParams.Select(q => q.Name).ToList();
        Assert.Equal(10, parameters.Count);
        using var s = Build(b, y, [x], parameters);
        var analytic = s.Analytic();

        // Finite differences of the same loss in double precision (see MnistReference), step 1e-6.
        var values = parameters.ToDictionary(n => n, n => weights[n].Floats.Select(v => (double)v).ToArray());
        var input = x.Floats.Select(v => (double)v).ToArray();
        double Loss()
        {
            var probs = MnistReference.Probabilities(values, input, Batch);
            double sum = 0;
            for (int i = 0; i < probs.Length; i++) sum += -Math.Log(probs[i]) * targets[i] * s.Projection[i];
            return sum;
        }
        var ortProbs = s.Value(fwd.Output);
        Numeric.AssertClose(MnistReference.Probabilities(values, input, Batch).Select(v => (float)v).ToArray(), ortProbs, 1e-5f, 1e-4f, "probabilities");

        var rng = new Random(93);
        const double h = 1e-6;
        foreach (var name in parameters)
        {
            var grad = analytic[name];
            var nonzero = Enumerable.Range(0, grad.Length).Where(i => grad[i] != 0).ToArray();
            Assert.True(nonzero.Length > grad.Length / 10, $"d(loss)/d({name}) is zero almost everywhere.");
            rng.Shuffle(nonzero);
            var w = values[name];
            foreach (int i in nonzero.Take(6).Append(rng.Next(grad.Length)))
            {
                double saved = w[i];
                w[i] = saved + h;
                double plus = Loss();
                w[i] = saved - h;
                double minus = Loss();
                w[i] = saved;
                double fd = (plus - minus) / (2 * h);
                double tol = 2e-5 + 2e-3 * Math.Abs(fd);
                Assert.True(Math.Abs(fd - grad[i]) <= tol,
                    $"d(loss)/d({name})[{i}]: finite differences give {fd:G6}, the gradient graph {grad[i]:G6} (tolerance {tol:G3}).");
            }
        }
    }
}
