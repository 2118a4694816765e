using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>
/// Ops that move or select data (Concat, Slice, Split, Pad, Gather, GatherElements, ScatterElements, ScatterND, Expand,
/// CumSum) against central finite differences. Exp after the op makes dY vary, so a misplaced gradient shows.
/// </summary>
public class ArrayOpGradientTests
{
    private static Tensor X(int seed, params long[] dims) => Random("x", seed, -0.8f, 0.8f, dims);

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    public void Concat_matches(long axis)
    {
        // three inputs of different sizes along the axis, one of them used twice
        long[] Dims(long k) => axis switch { 0 => [k, 3, 2], 1 => [2, k, 2], _ => [2, 3, k] };
        using var s = Build(b => b.Op("Exp", [b.Op("Concat", ["a", "b", "a", "c"], null, A("axis", axis))]),
            [Random("a", 101, -1f, 1f, Dims(1)), Random("b", 102, -1f, 1f, Dims(2)), Random("c", 103, -1f, 1f, Dims(3))]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Concat_of_channels_with_symbolic_batch_matches()
    {
        using var s = Build(b => b.Op("Reshape", [b.Op("Exp", [b.Op("Concat", ["a", "b"], null, A("axis", 1L))]), b.Ints(2, 5, 2)]),
            [Random("a", 104, -1f, 1f, 2, 2, 2), Random("b", 105, -1f, 1f, 2, 3, 2)], batched: ["a", "b"]);
        s.AssertMatches(h: 1e-3f);
    }

    public static TheoryData<long[], long[], long[]?, long[]?> SliceCases => new()
    {
        // starts, ends, axes, steps on x [4, 7, 5]
        { [1], [3], null, null },                                 // axis 0 by default
        { [1, 0], [-1, 4], [1, 2], null },                         // negative end
        { [0], [7], [1], [2] },                                    // step 2: positions 0, 2, 4, 6
        { [-1], [long.MinValue], [1], [-2] },                      // negative step from the end: 6, 4, 2, 0
        { [5, -2], [1, -100], [-2, -1], [-3, -1] },                // negative axes and steps: axis 1 picks 5, 2; axis 2 picks 3, 2, 1, 0
        { [-100, 2], [100, 2], [0, 2], [1, 1] },                   // clamped starts and ends; an empty slice
        { [1, 1, 1], [4, 6, 4], [0, 1, 2], [2, 2, 2] },            // every axis with step 2
    };

    [Theory]
    [MemberData(nameof(SliceCases))]
    public void Slice_matches(long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        using var s = Build(b =>
            {
                var inputs = new List<string> { "x", b.Ints(starts), b.Ints(ends) };
                if (axes is not null) inputs.Add(b.Ints(axes));
                if (steps is not null) inputs.Add(b.Ints(steps));
                string sliced = b.Op("Slice", inputs);
                return b.TypeOf(sliced).Dims.Contains(0) ? b.Op("Exp", ["x"]) : b.Op("Mul", [b.Op("Exp", [sliced]), b.Op("ReduceSum", [sliced], null, A("keepdims", 1L))]);
            },
            [X(106, 4, 7, 5)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Slice_gradient_puts_dy_where_it_was_read_and_zero_elsewhere()
    {
        // x[1, 7::-3] of [2, 8]: reads positions 7, 4, 1 of row 1
        using var s = Build(b => b.Op("Slice", ["x", b.Ints(1, 7), b.Ints(2, long.MinValue), b.Ints(0, 1), b.Ints(1, -3)]), [X(107, 2, 8)]);
        var dx = s.Analytic()["x"];
        var r = s.Projection;
        var expected = new float[16];
        expected[8 + 7] = r[0];
        expected[8 + 4] = r[1];
        expected[8 + 1] = r[2];
        Assert.Equal(expected, dx);
    }

    [Theory]
    [InlineData(new long[] { 2, 5 }, 0L)]
    [InlineData(new long[] { 1, 3, 3 }, 0L)]
    [InlineData(new long[0], 3L)]     // num_outputs 3 of 7: 3, 3, 1
    public void Split_matches(long[] sizes, long numOutputs)
    {
        int n = numOutputs > 0 ? (int)numOutputs : sizes.Length;
        using var s = Build(b =>
            {
                var outs = sizes.Length > 0
                    ? b.Node("Split", ["x", b.Ints(sizes)], n, [A("axis", 1L)])
                    : b.Node("Split", ["x"], n, [A("axis", 1L), A("num_outputs", numOutputs)]);
                // every piece used differently; the middle piece not at all (its gradient is zero)
                var used = outs.Where((_, k) => k != 1).Select((o, k) => b.Op("ReduceSum", [b.Op(k == 0 ? "Exp" : "Tanh", [o]), b.Ints(1)], null, A("keepdims", 0L)));
                return b.Op("Sum", used.ToArray());
            },
            [X(108, 3, 7)]);
        s.AssertMatches(h: 1e-3f);
        var dx = s.Analytic()["x"];
        long first = sizes.Length > 0 ? sizes[0] : 3, second = sizes.Length > 0 ? sizes[1] : 3;
        for (int row = 0; row < 3; row++)
            for (long k = first; k < first + second; k++)
                Assert.Equal(0f, dx[row * 7 + k]);
    }

    [Theory]
    [InlineData(new long[] { 1, 0, 2, 2 })]          // pad rows before, columns after
    [InlineData(new long[] { 0, 1, 1, 0 })]
    [InlineData(new long[] { -1, 1, 0, -2 })]        // negative pads crop
    public void Pad_constant_matches(long[] pads)
    {
        using var s = Build(b => b.Op("Exp", [b.Op("Pad", ["x", b.Ints(pads), "v"])]), [X(109, 3, 4), Random("v", 110, 0.1f, 0.5f)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Pad_of_spatial_axes_with_symbolic_batch_matches()
    {
        using var s = Build(b => b.Op("Reshape", [b.Op("Exp", [b.Op("Pad", ["x", b.Ints(0, 0, 1, 0, 0, 0, 0, 2)])]), b.Ints(2, 2, 4, 5)]),
            [X(111, 2, 2, 3, 3)], batched: ["x"]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData("edge", new long[] { 2, 0, 1, 3 })]
    [InlineData("reflect", new long[] { 2, 1, 1, 3 })]     // pads up to dim-1 on each side
    [InlineData("wrap", new long[] { 1, 0, 2, 2 })]
    public void Pad_edge_reflect_and_wrap_match(string mode, long[] pads)
    {
        using var s = Build(b => b.Op("Exp", [b.Op("Pad", ["x", b.Ints(pads)], null, A("mode", mode))]), [X(122, 3, 4)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Pad_reflect_of_spatial_axes_with_symbolic_batch_matches()
    {
        using var s = Build(b => b.Op("Reshape", [b.Op("Exp", [b.Op("Pad", ["x", b.Ints(0, 0, 1, 2, 0, 0, 2, 1)], null, A("mode", "reflect"))]), b.Ints(2, 2, 6, 6)]),
            [X(123, 2, 2, 3, 3)], batched: ["x"]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Pad_edge_gradient_collects_the_copies_of_the_border()
    {
        // [a, b, c] edge-padded by 2 before and 1 after reads a, a, a, b, c, c: dX = [r0+r1+r2, r3, r4+r5]
        using var s = Build(b => b.Op("Pad", ["x", b.Ints(2, 1)], null, A("mode", "edge")), [X(124, 3)]);
        var r = s.Projection;
        Assert.Equal(new[] { r[0] + r[1] + r[2], r[3], r[4] + r[5] }, s.Analytic()["x"]);
    }

    [Fact]
    public void Pad_of_an_unknown_mode_has_no_gradient_rule_and_says_so()
    {
        var b = new GraphBuilder("mirror");
        b.Input("x", TensorType.Float(3, 4));
        string y = b.Op("Pad", ["x", b.Ints(1, 1, 1, 1)], "padded", A("mode", "mirror"));
        string loss = b.Op("ReduceSum", [y], "loss", A("keepdims", 0L));
        var e = Assert.Throws<NotSupportedException>(() => OnnxTrainer.Autodiff.Gradients.GradientPass.Build(b, loss, ["x"]));
        Assert.Equal("Gradient of Pad node 'padded': mode 'mirror' is not supported.", e.Message);
    }

    [Theory]
    [InlineData(0L, new long[] { 2, 0, 2, -1 })]   // repeated and negative positions along axis 0
    [InlineData(1L, new long[] { 1, 3, 1 })]       // axis 1 (channels), a position repeated, position 0 and 2 never read
    [InlineData(2L, new long[] { 0 })]
    public void Gather_with_constant_indices_matches(long axis, long[] indices)
    {
        using var s = Build(b => b.Op("Exp", [b.Op("Gather", ["x", b.Ints(indices)], null, A("axis", axis))]), [X(112, 4, 4, 3)]);
        s.AssertMatches(h: 1e-3f);
        var dx = s.Analytic()["x"];
        long dim = axis == 2 ? 3 : 4;
        var read = indices.Select(i => i < 0 ? i + dim : i).ToHashSet();
        for (int i = 0; i < dx.Length; i++)
        {
            long pos = axis switch { 0 => i / 12, 1 => i / 3 % 4, _ => i % 3 };
            if (!read.Contains(pos)) Assert.Equal(0f, dx[i]);
        }
    }

    [Fact]
    public void Gather_of_one_channel_with_symbolic_batch_matches()
    {
        using var s = Build(b => b.Op("Reshape", [b.Op("Exp", [b.Op("Gather", ["x", b.Int(1)], null, A("axis", 1L))]), b.Ints(2, 3)]),
            [X(113, 2, 3, 3)], batched: ["x"]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Gather_of_a_vector_matches()
    {
        using var s = Build(b => b.Op("Exp", [b.Op("Gather", ["x", b.Ints(3, 3, 0)])]), [X(114, 5)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void GatherElements_with_repeated_indices_matches()
    {
        var idx = Tensor.FromInt64s("idx", [0, 0, 2, 1, 1, 1], 2, 3);
        using var s = Build(b => b.Op("Exp", [b.Op("GatherElements", ["x", "idx"], null, A("axis", 1L))]), [X(115, 2, 3), idx]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("add")]
    public void ScatterElements_matches(string reduction)
    {
        var idx = Tensor.FromInt64s("idx", [2, 0, 1, 3], 2, 2);
        using var s = Build(b => b.Op("Exp", [b.Op("ScatterElements", ["x", "idx", "u"], null, A("axis", 1L), A("reduction", reduction))]),
            [X(116, 2, 4), idx, Random("u", 117, -1f, 1f, 2, 2)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void ScatterND_matches()
    {
        var idx = Tensor.FromInt64s("idx", [2, 0], 2, 1);   // rows 2 and 0 of x [3, 4]
        using var s = Build(b => b.Op("Exp", [b.Op("ScatterND", ["x", "idx", "u"])]), [X(118, 3, 4), idx, Random("u", 119, -1f, 1f, 2, 4)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void Expand_matches()
    {
        using var s = Build(b => b.Op("Exp", [b.Op("Expand", ["x", b.Ints(2, 3, 4)])]), [X(120, 3, 1)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(1L, 0L)]
    [InlineData(0L, 1L)]
    [InlineData(1L, 1L)]
    public void CumSum_matches(long exclusive, long reverse)
    {
        using var s = Build(b => b.Op("Exp", [b.Op("CumSum", ["x", b.Int(1)], null, A("exclusive", exclusive), A("reverse", reverse))]), [X(121, 2, 5)]);
        s.AssertMatches(h: 1e-3f);
    }
}
