using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>Gemm, MatMul, Conv and pooling rules against central finite differences, including padded borders and pooling ties.</summary>
public class LayerGradientTests
{
    [Theory]
    [InlineData(0L, 0L, 1f, 1f, new long[] { 4 })]
    [InlineData(1L, 0L, 1f, 1f, new long[] { 4 })]
    [InlineData(0L, 1L, 1f, 1f, new long[] { 1, 4 })]
    [InlineData(1L, 1L, 0.5f, 2f, new long[] { 2, 1 })]
    [InlineData(0L, 0L, 1.5f, 1f, new long[] { 2, 4 })]
    [InlineData(0L, 1L, 1f, 1f, new long[0])]
    public void Gemm_matches(long transA, long transB, float alpha, float beta, long[] bias)
    {
        // M=2, K=3, N=4; bias broadcast from [N], [1,N], [M,1], [M,N], or absent (empty dims)
        var a = Random("a", 31, -1f, 1f, transA == 1 ? [3, 2] : [2, 3]);
        var w = Random("w", 32, -1f, 1f, transB == 1 ? [4, 3] : [3, 4]);
        var feeds = new List<Tensor> { a, w };
        if (bias.Length > 0) feeds.Add(Random("c", 33, -1f, 1f, bias));
        string[] inputs = bias.Length > 0 ? ["a", "w", "c"] : ["a", "w"];
        using var s = Build(b => b.Op("Gemm", inputs, null, A("transA", transA), A("transB", transB), A("alpha", alpha), A("beta", beta)), feeds);
        s.AssertMatches(h: 1e-2f);
    }

    [Fact]
    public void Gemm_with_symbolic_batch_matches()
    {
        using var s = Build(b => b.Op("Reshape", [b.Op("Relu", [b.Op("Gemm", ["x", "w", "c"])]), b.Ints(3, 4)]),
            [Random("x", 34, -1f, 1f, 3, 5), Random("w", 35, -1f, 1f, 5, 4), Random("c", 36, 0.5f, 1f, 4)], batched: ["x"]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void MatMul_matches()
    {
        using (var s = Build(b => b.Op("MatMul", ["a", "w"]), [Random("a", 37, -1f, 1f, 2, 3), Random("w", 38, -1f, 1f, 3, 4)]))
            s.AssertMatches(h: 1e-2f);
        using (var s = Build(b => b.Op("MatMul", ["a", "w"]), [Random("a", 39, -1f, 1f, 2, 2, 3), Random("w", 40, -1f, 1f, 3, 4)]))
            s.AssertMatches(h: 1e-2f);
    }

    public static TheoryData<long[], long[], long[], long[], long[], bool> ConvCases => new()
    {
        // x dims, w dims, strides, pads [t, l, b, r], dilations, bias
        { [2, 2, 5, 5], [3, 2, 3, 3], [1, 1], [0, 0, 0, 0], [1, 1], true },    // valid
        { [2, 2, 7, 7], [3, 2, 3, 3], [2, 2], [1, 1, 1, 1], [1, 1], true },    // Keras 'same', odd size, stride 2
        { [2, 2, 6, 6], [3, 2, 3, 3], [2, 2], [0, 0, 1, 1], [1, 1], true },    // 'same', even size, stride 2: pad only after
        { [2, 2, 6, 6], [2, 2, 3, 3], [2, 2], [0, 0, 0, 0], [1, 1], false },   // valid, stride 2: last row and column unused
        { [1, 3, 7, 6], [2, 3, 4, 3], [2, 1], [1, 1, 2, 1], [1, 1], true },    // even kernel, asymmetric pads and strides
        { [1, 2, 7, 7], [2, 2, 3, 3], [1, 1], [0, 0, 0, 0], [2, 2], true },    // dilation 2
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv_matches(long[] x, long[] w, long[] strides, long[] pads, long[] dilations, bool bias)
    {
        var feeds = new List<Tensor> { Random("x", 41, -1f, 1f, x), Random("w", 42, -1f, 1f, w) };
        if (bias) feeds.Add(Random("bias", 43, -1f, 1f, w[0]));
        string[] inputs = bias ? ["x", "w", "bias"] : ["x", "w"];
        using var s = Build(b => b.Op("Conv", inputs, null, A("kernel_shape", w[2..]), A("strides", strides), A("pads", pads), A("dilations", dilations)), feeds);
        s.AssertMatches(h: 1e-2f, atol: 2e-3);
    }

    [Fact]
    public void Conv_with_symbolic_batch_matches()
    {
        using var s = Build(b => b.Op("Reshape", [b.Op("Conv", ["x", "w", "bias"], null, A("kernel_shape", new long[] { 3, 3 }),
                A("strides", new long[] { 2, 2 }), A("pads", new long[] { 1, 1, 1, 1 })), b.Ints(2, 2, 3, 3)]),
            [Random("x", 44, -1f, 1f, 2, 2, 5, 5), Random("w", 45, -1f, 1f, 2, 2, 3, 3), Random("bias", 46, -1f, 1f, 2)], batched: ["x"]);
        s.AssertMatches(h: 1e-2f, atol: 2e-3);
    }

    public static TheoryData<long[], long[], long[], long[]> PoolCases => new()
    {
        // x dims, kernel, strides, pads
        { [2, 3, 5, 5], [2, 2], [2, 2], [0, 0, 0, 0] },   // floor: last row and column dropped
        { [2, 2, 4, 4], [2, 2], [2, 2], [0, 0, 0, 0] },
        { [2, 2, 5, 5], [2, 2], [2, 2], [0, 0, 1, 1] },   // Keras 'same' on odd size
        { [1, 2, 7, 6], [3, 3], [3, 3], [1, 0, 1, 0] },   // 3x3 tiles (DepthToSpace 3)
        { [1, 2, 6, 7], [2, 3], [2, 3], [0, 0, 0, 0] },   // non-square tiles
        { [2, 2, 5, 5], [3, 3], [2, 2], [1, 1, 1, 1] },   // overlapping windows
        { [1, 2, 5, 6], [3, 3], [1, 1], [1, 1, 1, 1] },   // overlapping, stride 1, 'same'
    };

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void MaxPool_matches_without_ties(long[] x, long[] kernel, long[] strides, long[] pads)
    {
        using var s = Build(b => b.Op("MaxPool", ["x"], null, A("kernel_shape", kernel), A("strides", strides), A("pads", pads)),
            [Distinct("x", 51, x)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void AveragePool_matches_with_pads_excluded(long[] x, long[] kernel, long[] strides, long[] pads)
    {
        using var s = Build(b => b.Op("AveragePool", ["x"], null, A("kernel_shape", kernel), A("strides", strides), A("pads", pads)),
            [Random("x", 52, -1f, 1f, x)]);
        s.AssertMatches(h: 1e-2f);
    }

    [Fact]
    public void AveragePool_matches_with_pads_counted()
    {
        using var s = Build(b => b.Op("AveragePool", ["x"], null, A("kernel_shape", new long[] { 3, 3 }), A("strides", new long[] { 2, 2 }),
            A("pads", new long[] { 1, 1, 1, 1 }), A("count_include_pad", 1L)), [Random("x", 53, -1f, 1f, 2, 2, 6, 6)]);
        s.AssertMatches(h: 1e-2f);
    }

    [Fact]
    public void MaxPool_tiled_routes_each_window_to_one_maximum_under_ties()
    {
        // 4x4 in 2x2 windows: all four equal; two equal maxima; the maximum alone; zeros as after a ReLU
        float[] x =
        [
            1, 1, 2, 5,
            1, 1, 5, 0,
            3, 0, 0, 0,
            0, 0, 0, 0,
        ];
        using var s = Build(b => b.Op("MaxPool", ["x"], null, A("kernel_shape", new long[] { 2, 2 }), A("strides", new long[] { 2, 2 })),
            [Tensor.FromFloats("x", x, 1, 1, 4, 4)]);
        var dx = s.Analytic()["x"];
        var dy = s.Projection; // dL/dY = R
        for (int wr = 0; wr < 2; wr++)
            for (int wc = 0; wc < 2; wc++)
            {
                int[] cells = [(2 * wr) * 4 + 2 * wc, (2 * wr) * 4 + 2 * wc + 1, (2 * wr + 1) * 4 + 2 * wc, (2 * wr + 1) * 4 + 2 * wc + 1];
                float max = cells.Max(i => x[i]);
                var nonzero = cells.Where(i => dx[i] != 0).ToArray();
                Assert.Single(nonzero);
                Assert.Equal(max, x[nonzero[0]]);
                Assert.Equal(cells.First(i => x[i] == max), nonzero[0]); // the first maximum, as PyTorch picks
                Assert.Equal(dy[wr * 2 + wc], dx[nonzero[0]]);
            }
    }

    [Fact]
    public void MaxPool_overlapping_ties_do_not_duplicate_the_gradient()
    {
        var x = new float[36]; // all equal: every 3x3 window is a tie
        using var s = Build(b => b.Op("MaxPool", ["x"], null, A("kernel_shape", new long[] { 3, 3 }), A("strides", new long[] { 2, 2 }), A("pads", new long[] { 1, 1, 1, 1 })),
            [Tensor.FromFloats("x", x, 1, 1, 6, 6)]);
        var dx = s.Analytic()["x"];
        Assert.Equal(s.Projection.Sum(v => (double)v), dx.Sum(v => (double)v), 5);
        Assert.Equal(9, dx.Count(v => v != 0)); // one element per window (distinct windows pick distinct first elements here)
    }

    /// <summary>Random values with no two equal within 2e-2 (so FD steps never swap a window's maximum).</summary>
    private static Tensor Distinct(string name, int seed, long[] dims)
    {
        int count = (int)Shapes.Product(dims);
        var values = Enumerable.Range(0, count).Select(i => (i - count / 2) * 0.05f).ToArray();
        var rng = new Random(seed);
        rng.Shuffle(values);
        return Tensor.FromFloats(name, values, dims);
    }
}
