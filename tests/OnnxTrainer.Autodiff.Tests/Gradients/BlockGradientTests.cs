using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>
/// Whole blocks of the pretrained networks people import, against central finite differences: a ResNet basic block
/// with a strided shortcut (CNTK's asymmetric pads), batch normalization in both forms, and global pooling; a
/// MobileNet-style depthwise-separable block with ReLU6 and a HardSwish squeeze-excite gate.
/// </summary>
public class BlockGradientTests
{
    private static string Bn(GraphBuilder b, string x, string name, long c, int seed)
    {
        b.Initializer(Random(name + "/scale", seed, 0.5f, 1.5f, c));
        b.Initializer(Random(name + "/bias", seed + 1, -0.5f, 0.5f, c));
        b.Initializer(Random(name + "/mean", seed + 2, -0.2f, 0.2f, c));
        b.Initializer(Random(name + "/var", seed + 3, 0.5f, 1.5f, c));
        return b.Op("BatchNormalization", [x, name + "/scale", name + "/bias", name + "/mean", name + "/var"], name + "/out", A("epsilon", 1e-5f));
    }

    private static string Conv(GraphBuilder b, string x, string name, long[] w, long[] strides, long[] pads, int seed, long group = 1)
    {
        b.Initializer(Random(name + "/W", seed, -0.5f, 0.5f, w));
        return b.Op("Conv", [x, name + "/W"], name + "/out", A("strides", strides), A("pads", pads), A("group", group));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resnet_basic_block_with_strided_shortcut_and_global_pool_matches(bool batchStatistics)
    {
        var b = new GraphBuilder("resnet-block");
        b.Input("x", TensorType.Float(2, 3, 6, 6));
        // main path: 3x3 stride 2 pads [1,1,0,0], BN, ReLU, 3x3 'same', BN; shortcut: 1x1 stride 2, BN; add, ReLU
        string main = b.Op("Relu", [Bn(b, Conv(b, "x", "conv1", [4, 3, 3, 3], [2, 2], [1, 1, 0, 0], 301), "bn1", 4, 302)]);
        main = Bn(b, Conv(b, main, "conv2", [4, 4, 3, 3], [1, 1], [1, 1, 1, 1], 306), "bn2", 4, 307);
        string shortcut = Bn(b, Conv(b, "x", "down", [4, 3, 1, 1], [2, 2], [0, 0, 0, 0], 311), "bn3", 4, 312);
        string sum = b.Op("Relu", [b.Op("Add", [main, shortcut])]);
        b.Initializer(Random("fc/W", 316, -0.5f, 0.5f, 5, 4));
        b.Initializer(Random("fc/B", 317, -0.5f, 0.5f, 5));
        string logits = b.Op("Gemm", [b.Op("Flatten", [b.Op("GlobalAveragePool", [sum])]), "fc/W", "fc/B"], "logits", A("transB", 1L));
        if (batchStatistics) BatchNormTraining.Apply(b.Graph, ["bn1/out", "bn2/out", "bn3/out"]);
        using var s = Build(b, logits, [Random("x", 318, -1f, 1f, 2, 3, 6, 6)],
            ["x", "conv1/W", "bn1/scale", "bn1/bias", "conv2/W", "bn2/scale", "down/W", "bn3/bias", "fc/W", "fc/B"]);
        s.AssertMatches(h: 1e-3f, atol: 2e-3, rtol: 2e-2, sample: 6, kinks: true);
    }

    [Fact]
    public void Mobilenet_separable_block_with_relu6_and_hard_swish_gate_matches()
    {
        var b = new GraphBuilder("mobilenet-block");
        b.Input("x", TensorType.Float(2, 4, 5, 5));
        // depthwise 3x3 stride 2, BN, ReLU6; squeeze-excite with a HardSigmoid gate; pointwise 1x1, BN, HardSwish
        string dw = b.Op("Clip", [Bn(b, Conv(b, "x", "dw", [4, 1, 3, 3], [2, 2], [1, 1, 1, 1], 321, group: 4), "bn1", 4, 322), b.Const(0f), b.Const(6f)]);
        b.Initializer(Random("se/W", 326, -0.5f, 0.5f, 4, 4, 1, 1));
        string gate = b.Op("HardSigmoid", [b.Op("Conv", [b.Op("GlobalAveragePool", [dw]), "se/W"])], null, A("alpha", 1f / 6), A("beta", 0.5f));
        string pw = Bn(b, Conv(b, b.Op("Mul", [dw, gate]), "pw", [6, 4, 1, 1], [1, 1], [0, 0, 0, 0], 327), "bn2", 6, 328);
        string y = b.Op("HardSwish", [pw], "y");
        using var s = Build(b, y, [Random("x", 332, -1f, 1f, 2, 4, 5, 5)], ["x", "dw/W", "bn1/scale", "se/W", "pw/W", "bn2/bias"]);
        s.AssertMatches(h: 1e-3f, atol: 2e-3, rtol: 2e-2, sample: 8, kinks: true);
    }
}
