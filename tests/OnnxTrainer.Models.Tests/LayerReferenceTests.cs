using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Models.Tests;

/// <summary>Each layer's emitted graph, run by ONNX Runtime, equals the plain loops of <see cref="ReferenceLoops"/>.</summary>
public class LayerReferenceTests
{
    private const int Batch = 2;

    /// <summary>Runs a one-layer model in ORT with random weights (biases included) and returns the input, the weights and the output.</summary>
    private static (float[] X, Weights W, Tensor Y) Run(Layer layer, long[] kerasInput, int seed, float low = -1, float high = 1)
    {
        // Models take images; a vector layer gets a (1, 1, F) image flattened in front of it (same values, same order).
        var model = kerasInput.Length == 3
            ? new Model("one-layer", kerasInput, [layer], preprocessing: Preprocessing.None)
            : new Model("one-layer", [1, 1, kerasInput[0]], [new Flatten { Name = "to_vector" }, layer], preprocessing: Preprocessing.None);
        var weights = new Weights();
        int k = 0;
        foreach (var p in model.AllParams)
            weights.Set(Tensor.FromFloats(p.Name, Numeric.Random((int)p.Count, seed * 100 + ++k), p.Dims));
        var fwd = ForwardGraph.Build(model, weights, training: false);
        long[] nchw = kerasInput.Length == 3 ? [Batch, kerasInput[2], kerasInput[0], kerasInput[1]] : [Batch, kerasInput[0], 1, 1];
        var x = Numeric.Random((int)Shapes.Product(nchw), seed, low, high);
        var y = OrtRunner.RunOnce(fwd.Graph, Tensor.FromFloats(ForwardGraph.InputName, x, nchw))[ForwardGraph.OutputName];
        return (x, weights, y);
    }

    public static TheoryData<int, int, int, int, int, int, int, int, Padding> ConvCases => new()
    {
        // h, w, c, filters, kh, kw, sh, sw, padding
        { 7, 9, 3, 4, 3, 3, 1, 1, Padding.Valid },
        { 7, 9, 3, 4, 3, 3, 1, 1, Padding.Same },
        { 7, 9, 2, 3, 3, 3, 2, 2, Padding.Valid },
        { 7, 9, 2, 3, 3, 3, 2, 2, Padding.Same },
        { 8, 5, 2, 3, 2, 2, 1, 1, Padding.Same },  // even kernel: total padding 1, all of it after
        { 7, 8, 2, 2, 4, 4, 2, 2, Padding.Same },  // rows pad 1 before, 2 after
        { 6, 7, 1, 2, 5, 3, 2, 1, Padding.Same },  // non-square kernel and strides
        { 6, 7, 1, 2, 5, 3, 2, 1, Padding.Valid },
        { 5, 6, 2, 2, 1, 1, 2, 2, Padding.Valid },
        { 9, 9, 1, 1, 3, 3, 3, 3, Padding.Same },  // total padding max(2*3+3-9, 0) = 0
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2D_equals_the_reference_loop(int h, int w, int c, int filters, int kh, int kw, int sh, int sw, Padding padding)
    {
        var layer = new Conv2D { Name = "conv", Filters = filters, Kernel = (kh, kw), Strides = (sh, sw), Padding = padding };
        var (x, wts, y) = Run(layer, [h, w, c], seed: h * 31 + w * 7 + kh + sh);
        var expected = ReferenceLoops.Conv2D(x, Batch, c, h, w, wts["conv/W"].Floats, wts["conv/B"].Floats, filters,
            (kh, kw), (sh, sw), padding == Padding.Same, out int oh, out int ow);
        Assert.Equal(new long[] { Batch, filters, oh, ow }, y.Dims);
        Assert.Equal(layer.OutputShape([h, w, c]), new long[] { oh, ow, filters });
        Numeric.AssertClose(expected, y.Floats, what: "conv");
    }

    [Fact]
    public void Conv2D_with_relu_clips_the_reference_at_zero()
    {
        var layer = new Conv2D { Name = "conv", Filters = 3, Padding = Padding.Same, Activation = Activation.Relu };
        var (x, wts, y) = Run(layer, [5, 6, 2], seed: 5);
        var expected = ReferenceLoops.Relu(ReferenceLoops.Conv2D(x, Batch, 2, 5, 6, wts["conv/W"].Floats, wts["conv/B"].Floats, 3,
            (3, 3), (1, 1), same: true, out _, out _));
        Assert.Contains(expected, v => v == 0);
        Assert.Contains(expected, v => v > 0);
        Numeric.AssertClose(expected, y.Floats, what: "conv+relu");
    }

    public static TheoryData<PoolKind, int, int, int, int, int, int, Padding, float> PoolCases => new()
    {
        // kind, h, w, ph, pw, sh, sw, padding, input upper bound (negative inputs show that padding is never a candidate)
        { PoolKind.Max, 7, 9, 2, 2, 2, 2, Padding.Valid, 1 },   // floor: the last row and column are dropped
        { PoolKind.Average, 7, 9, 2, 2, 2, 2, Padding.Valid, 1 },
        { PoolKind.Max, 5, 7, 2, 2, 2, 2, Padding.Same, -1 },   // one row/column of padding after
        { PoolKind.Average, 5, 7, 2, 2, 2, 2, Padding.Same, 1 }, // the padded windows average 2 or 1 values
        { PoolKind.Max, 7, 8, 3, 3, 2, 2, Padding.Same, -1 },
        { PoolKind.Average, 7, 8, 3, 3, 2, 2, Padding.Same, 1 },
        { PoolKind.Average, 4, 5, 3, 3, 1, 1, Padding.Same, 1 }, // padding on both sides
        { PoolKind.Max, 6, 5, 3, 3, 1, 1, Padding.Valid, 1 },
        { PoolKind.Average, 6, 7, 2, 3, 1, 2, Padding.Valid, 1 },
        { PoolKind.Max, 6, 7, 2, 3, 1, 2, Padding.Same, -1 },
    };

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pooling2D_equals_the_reference_loop(PoolKind kind, int h, int w, int ph, int pw, int sh, int sw, Padding padding, float high)
    {
        const int c = 3;
        var layer = new Pooling2D { Name = "pool", Kind = kind, Pool = (ph, pw), Strides = (sh, sw), Padding = padding };
        var (x, _, y) = Run(layer, [h, w, c], seed: h * 13 + w + ph * 5 + (int)kind, low: high - 2, high: high);
        var expected = ReferenceLoops.Pool(x, Batch, c, h, w, kind == PoolKind.Max, (ph, pw), (sh, sw), padding == Padding.Same,
            out int oh, out int ow);
        Assert.Equal(new long[] { Batch, c, oh, ow }, y.Dims);
        Assert.Equal(layer.OutputShape([h, w, c]), new long[] { oh, ow, c });
        Numeric.AssertClose(expected, y.Floats, what: kind.ToString());
    }

    [Fact]
    public void Pooling2D_strides_default_to_the_pool_size()
    {
        var layer = new Pooling2D { Name = "pool", Kind = PoolKind.Average, Pool = (3, 2) };
        var (x, _, y) = Run(layer, [7, 5, 2], seed: 3);
        var expected = ReferenceLoops.Pool(x, Batch, 2, 7, 5, max: false, (3, 2), (3, 2), same: false, out int oh, out int ow);
        Assert.Equal((2, 2), (oh, ow));
        Numeric.AssertClose(expected, y.Floats, what: "avg");
    }

    [Theory]
    [InlineData(5, 3, Activation.Linear)]
    [InlineData(7, 4, Activation.Relu)]
    [InlineData(6, 1, Activation.Sigmoid)]
    [InlineData(4, 5, Activation.Softmax)]
    public void Dense_equals_the_reference_loop(int features, int units, Activation activation)
    {
        var layer = new Dense { Name = "dense", Units = units, Activation = activation };
        var (x, wts, y) = Run(layer, [features], seed: features * 10 + units);
        var z = ReferenceLoops.Dense(x, Batch, features, wts["dense/W"].Floats, wts["dense/B"].Floats, units);
        var expected = activation switch
        {
            Activation.Relu => ReferenceLoops.Relu(z),
            Activation.Sigmoid => ReferenceLoops.Sigmoid(z),
            Activation.Softmax => ReferenceLoops.Softmax(z, units),
            _ => z,
        };
        Assert.Equal(new long[] { Batch, units }, y.Dims);
        Numeric.AssertClose(expected, y.Floats, what: "dense");
    }

    [Fact]
    public void Flatten_keeps_nchw_order()
    {
        var (x, _, y) = Run(new Flatten { Name = "flatten" }, [3, 4, 2], seed: 9);
        Assert.Equal(new long[] { Batch, 24 }, y.Dims);
        Assert.Equal(x, y.Floats);
    }

    [Fact]
    public void Inference_dropout_is_the_identity()
    {
        var (x, _, y) = Run(new Dropout { Name = "dropout", Rate = 0.5f }, [6], seed: 4);
        Assert.Equal(x, y.Floats);
    }
}
