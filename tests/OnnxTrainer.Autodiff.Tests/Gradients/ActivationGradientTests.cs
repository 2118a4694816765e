using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>
/// Clip (ReLU6), HardSigmoid, HardSwish, swish and squeeze-excite gates, Mean and the remaining reductions against
/// central finite differences, and the defined derivative at every kink.
/// </summary>
public class ActivationGradientTests
{
    // ReLU6's kinks at 0 and 6, points either side, and values far outside
    private static readonly float[] ClipPoints = [-2f, -0.3f, 0f, 0.4f, 3f, 5.7f, 6f, 6.5f, 9f, 1.25f, -0.01f, 5.99f];

    [Fact]
    public void Clip_as_relu6_matches_and_gives_zero_to_x_at_its_bounds()
    {
        using var s = Build(b => b.Op("Clip", ["x", b.Const(0f), b.Const(6f)]), [Tensor.FromFloats("x", ClipPoints, 3, 4)]);
        s.AssertMatches(h: 5e-3f, kinks: true);
        var dx = s.Analytic()["x"];
        for (int i = 0; i < ClipPoints.Length; i++)
            Assert.Equal(ClipPoints[i] > 0f && ClipPoints[i] < 6f ? s.Projection[i] : 0f, dx[i]);   // dX = dY strictly inside (0, 6)
    }

    [Fact]
    public void Clip_bounds_as_inputs_get_the_gradient_of_the_clipped_elements()
    {
        // lo and hi differentiated too: each element's dY goes to exactly one of x, lo, hi (at a bound, to the bound)
        using var s = Build(b => b.Op("Clip", ["x", "lo", "hi"]),
            [Tensor.FromFloats("x", ClipPoints, 3, 4), Tensor.FromFloats("lo", [0f]), Tensor.FromFloats("hi", [6f])]);
        var g = s.Analytic();
        var r = s.Projection;
        Assert.Equal(ClipPoints.Select((v, i) => v <= 0f ? (double)r[i] : 0).Sum(), g["lo"][0], 5);
        Assert.Equal(ClipPoints.Select((v, i) => v >= 6f ? (double)r[i] : 0).Sum(), g["hi"][0], 5);
        Assert.Equal(r.Sum(v => (double)v), g["x"].Sum(v => (double)v) + g["lo"][0] + g["hi"][0], 5);
        // away from the bounds, all three against finite differences
        using var away = Build(b => b.Op("Clip", ["x", "lo", "hi"]),
            [Tensor.FromFloats("x", [-2f, 0.5f, 3f, 7f, 8f, -1f], 2, 3), Tensor.FromFloats("lo", [0.2f]), Tensor.FromFloats("hi", [5f])]);
        away.AssertMatches(h: 1e-2f);
    }

    [Fact]
    public void Clip_with_only_a_lower_bound_matches()
    {
        using var s = Build(b => b.Op("Clip", ["x", b.Const(-0.5f), ""]), [Random("x", 131, -2f, 2f, 3, 4)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void HardSigmoid_matches_and_is_flat_outside_its_linear_piece()
    {
        // alpha 0.2, beta 0.5: linear on (-2.5, 2.5); the kinks themselves and points on both sides
        float[] x = [-4f, -2.5f, -2.4f, -1f, 0f, 0.7f, 2.4f, 2.5f, 3f, 1.9f, -0.2f, 5f];
        using var s = Build(b => b.Op("HardSigmoid", ["x"]), [Tensor.FromFloats("x", x, 3, 4)]);
        s.AssertMatches(h: 1e-3f, kinks: true);
        var dx = s.Analytic()["x"];
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(Math.Abs(x[i]) < 2.5f ? 0.2f * s.Projection[i] : 0f, dx[i], 6);
    }

    [Fact]
    public void HardSigmoid_with_attributes_matches()
    {
        using var s = Build(b => b.Op("HardSigmoid", ["x"], null, A("alpha", 0.5f), A("beta", 0.25f)), [Random("x", 132, -3f, 3f, 4, 5)]);
        s.AssertMatches(h: 1e-3f, kinks: true);
    }

    [Fact]
    public void HardSwish_matches_and_takes_the_outer_slope_at_its_kinks()
    {
        float[] x = [-5f, -3f, -2.9f, -1.5f, 0f, 1f, 2.9f, 3f, 4f, -0.4f, 2f, 6f];
        using var s = Build(b => b.Op("HardSwish", ["x"]), [Tensor.FromFloats("x", x, 3, 4)]);
        s.AssertMatches(h: 1e-3f, kinks: true);
        var dx = s.Analytic()["x"];
        for (int i = 0; i < x.Length; i++)
        {
            double slope = x[i] <= -3f ? 0 : x[i] >= 3f ? 1 : x[i] / 3.0 + 0.5;   // 0 at -3, 1 at 3
            Assert.Equal(slope * s.Projection[i], dx[i], 5);
        }
    }

    [Fact]
    public void Swish_x_times_sigmoid_x_matches()
    {
        using var s = Build(b => b.Op("Mul", ["x", b.Op("Sigmoid", ["x"])]), [Random("x", 133, -4f, 4f, 2, 3, 4)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Squeeze_excite_block_matches()
    {
        // y = x * sigmoid(W2 relu(W1 mean_hw(x) + b1) + b2) per channel, with 1x1 Convs as the two dense layers
        var feeds = new[]
        {
            Random("x", 134, -1f, 1f, 2, 4, 3, 3), Random("w1", 135, -1f, 1f, 2, 4, 1, 1), Random("b1", 136, 0.1f, 0.5f, 2),
            Random("w2", 137, -1f, 1f, 4, 2, 1, 1), Random("b2", 138, -0.5f, 0.5f, 4),
        };
        using var s = Build(b =>
            {
                string squeezed = b.Op("ReduceMean", ["x", b.Ints(2, 3)], null, A("keepdims", 1L));                 // [N, C, 1, 1]
                string excited = b.Op("Sigmoid", [b.Op("Conv", [b.Op("Relu", [b.Op("Conv", [squeezed, "w1", "b1"])]), "w2", "b2"])]);
                return b.Op("Mul", ["x", excited]);
            }, feeds);
        s.AssertMatches(h: 1e-3f, atol: 2e-3);
    }

    [Fact]
    public void Squeeze_excite_with_global_average_pool_and_hard_sigmoid_matches()
    {
        // the MobileNetV3 form: GlobalAveragePool, Gemm-free 1x1 Conv, HardSigmoid gate, symbolic batch
        using var s = Build(b =>
            {
                string gate = b.Op("HardSigmoid", [b.Op("Conv", [b.Op("GlobalAveragePool", ["x"]), "w", "bias"])], null, A("alpha", 1f / 6), A("beta", 0.5f));
                return b.Op("Reshape", [b.Op("Mul", ["x", gate]), b.Ints(2, 3, 2, 2)]);
            },
            [Random("x", 139, -1f, 1f, 2, 3, 2, 2), Random("w", 140, -1f, 1f, 3, 3, 1, 1), Random("bias", 141, -0.5f, 0.5f, 3)], batched: ["x"]);
        s.AssertMatches(h: 1e-3f, atol: 2e-3);
    }

    [Fact]
    public void Mean_of_inputs_with_broadcast_matches()
    {
        using var s = Build(b => b.Op("Exp", [b.Op("Mean", ["a", "b", "c"])]),
            [Random("a", 142, -1f, 1f, 2, 3), Random("b", 143, -1f, 1f, 3), Random("c", 144, -1f, 1f, 2, 1)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData("ReduceL2", 1L)]
    [InlineData("ReduceL2", 0L)]
    [InlineData("ReduceSumSquare", 0L)]
    [InlineData("ReduceLogSumExp", 1L)]
    public void Other_reductions_match(string op, long keepdims)
    {
        using var s = Build(b => b.Op("Exp", [b.Op(op, ["x", b.Ints(1)], null, A("keepdims", keepdims))]), [Random("x", 145, -1f, 1f, 2, 4, 3)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void ReduceMean_over_channels_and_all_axes_matches()
    {
        using (var s = Build(b => b.Op("Exp", [b.Op("ReduceMean", ["x", b.Ints(1)], null, A("keepdims", 0L))]), [Random("x", 146, -1f, 1f, 2, 4, 3)]))
            s.AssertMatches(h: 1e-3f);
        using (var s = Build(b => b.Op("ReduceMean", ["x"], null, A("keepdims", 0L)), [Random("x", 147, -1f, 1f, 2, 4, 3)]))
        {
            s.AssertMatches(h: 1e-3f);
            Assert.All(s.Analytic()["x"], v => Assert.Equal(s.Projection[0] / 24f, v, 6));   // every element weighs 1/24
        }
    }
}
