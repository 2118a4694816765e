using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>The filter-visualization graph: its loss is the filter's mean activation, its gradient the normalized d loss/d input.</summary>
public class FilterGradientTests
{
    [Fact]
    public void Loss_and_normalized_gradient_match_the_forward_graph_and_finite_differences()
    {
        var model = ExplainOutputsTests.Tiny(3);
        var forward = ForwardGraph.Build(model, Weights.Initialize(model, 4), training: false).Graph;
        // re-inferred at 10x10 (the model was built for 8x8): conv_b/out is then [N,5,6,6]
        var graph = FilterGradient.Build(forward, "conv_b/out", 10, 10);
        Assert.Equal(["input", FilterGradient.FilterInput], graph.Inputs.Select(i => i.Name));
        Assert.Equal("f32[N,3,10,10]", graph.Inputs[0].Type.ToString());
        Assert.Equal([FilterGradient.Loss, FilterGradient.Gradient], graph.Outputs.Select(o => o.Name));
        Assert.DoesNotContain(graph.Nodes, n => n.OpType is "Gemm" or "Softmax"); // nothing above the layer

        var x = Numeric.Random(2 * 3 * 10 * 10, 12, 100f, 150f);
        long[] filters = [3, 0];
        using var runner = new OrtRunner(graph);
        var outs = runner.Run([Tensor.FromFloats("input", x, 2, 3, 10, 10), Tensor.FromInt64s(FilterGradient.FilterInput, filters, 2)]);

        // the loss: mean of A[n, f_n] from the plain forward graph at the same size
        var plain = FilterGradient.Build(forward, "conv_b/out", 10, 10);
        plain.Outputs.Clear();
        plain.Outputs.Add(new ValueInfo("conv_b/out", plain.TypeOf("conv_b/out")));
        Prune.Apply(plain);
        using var fwd = new OrtRunner(plain);
        double Mean(float[] image, int n, long f)
        {
            var a = fwd.Run([Tensor.FromFloats("input", image, 2, 3, 10, 10)])["conv_b/out"].Floats;
            return a.Skip((int)((n * 5 + f) * 36)).Take(36).Average(v => (double)v);
        }
        var loss = outs[FilterGradient.Loss].Floats;
        for (int n = 0; n < 2; n++) Assert.Equal(Mean(x, n, filters[n]), loss[n], 4);
        Assert.True(loss.All(v => v > 0), "the filters respond to the image");

        // the gradient: central differences of L_n, normalized by their root mean square
        var g = outs[FilterGradient.Gradient].Floats;
        var rng = new Random(13);
        for (int n = 0; n < 2; n++)
        {
            var fd = new double[300];
            for (int i = 0; i < 300; i++)
            {
                var plus = (float[])x.Clone();
                var minus = (float[])x.Clone();
                plus[n * 300 + i] += 0.5f;
                minus[n * 300 + i] -= 0.5f;
                fd[i] = (Mean(plus, n, filters[n]) - Mean(minus, n, filters[n])) / ((double)plus[n * 300 + i] - minus[n * 300 + i]);
            }
            double rms = Math.Sqrt(fd.Average(v => v * v));
            Assert.True(rms > 0);
            foreach (int i in Enumerable.Range(0, 300).OrderBy(_ => rng.Next()).Take(40))
                Assert.True(Math.Abs(fd[i] / (rms + 1e-5) - g[n * 300 + i]) <= 2e-2 + 2e-2 * Math.Abs(fd[i] / rms),
                    $"example {n}, pixel {i}: finite differences give {fd[i] / (rms + 1e-5):G5}, the graph {g[n * 300 + i]:G5}");
            // the normalized gradient's own RMS is rms / (rms + 1e-5): gradients of raw pixels are small (rescale is 1/255)
            Assert.Equal(rms / (rms + 1e-5), Math.Sqrt(g.Skip(n * 300).Take(300).Average(v => (double)v * v)), 2);
        }
    }

    [Fact]
    public void Errors_name_what_was_expected()
    {
        var model = ExplainOutputsTests.Tiny(3);
        var forward = ForwardGraph.Build(model, Weights.Initialize(model, 4), training: false).Graph;
        Assert.Contains("has no value 'conv_z/out'", Assert.Throws<ArgumentException>(() => FilterGradient.Build(forward, "conv_z/out", 8, 8)).Message);
        Assert.Contains("needs a feature map [N,K,h,w]", Assert.Throws<ArgumentException>(() => FilterGradient.Build(forward, "flatten/out", 8, 8)).Message);
        Assert.Contains("Cannot re-run 'conv_b/out' at 4x4", Assert.Throws<ArgumentException>(() => FilterGradient.Build(forward, "conv_b/out", 4, 4)).Message);
    }

    [Fact]
    public void The_pass_form_turns_the_forward_graph_into_the_filter_graph_in_place()
    {
        var model = ExplainOutputsTests.Tiny(3);
        var forward = ForwardGraph.Build(model, Weights.Initialize(model, 4), training: false).Graph;
        var expected = GraphText.Render(FilterGradient.Build(forward, "conv_b/out", 10, 10));
        var result = FilterGradient.Apply(forward, "conv_b/out", 10, 10);
        Assert.Equal(expected, GraphText.Render(forward));
        Assert.Equal([FilterGradient.FilterInput], result.InputsAdded);
        Assert.Equal(["output"], result.OutputsRemoved);
        Assert.Equal([FilterGradient.Loss, FilterGradient.Gradient], result.OutputsAdded);
        Assert.Equal(FilterGradient.Gradient, result.Values["gradient"]);
    }
}
