using OnnxTrainer.Onnx;
using static OnnxTrainer.Autodiff.Tests.Gradients.FiniteDifferences;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>Dropout, batch normalization (inference form; the training form in BatchNormTrainingTests) and SoftmaxCrossEntropyLoss gradients.</summary>
public class TrainingOpGradientTests
{
    [Fact]
    public void Dropout_op_in_training_mode_scales_dy_by_its_mask()
    {
        // The op draws a new mask every run, so finite differences cannot apply: check dX = dY*mask/(1-ratio) on one run.
        var b = new GraphBuilder("dropout");
        b.Input("x", TensorType.Float(4, 8));
        var train = b.Initializer(new Tensor("train", ElementType.Bool, [], new[] { true }));
        var outs = b.Node("Dropout", ["x", b.Const(0.25f), train], 2, [A("seed", 3L)], ["y", "mask"]);
        var r = Numeric(32, 7);
        string loss = b.Op("ReduceSum", [b.Op("Mul", [outs[0], b.Floats("R", r, 4, 8)])], "loss", A("keepdims", 0L));
        var grads = OnnxTrainer.Autodiff.Gradients.GradientPass.Build(b, loss, ["x"]);
        b.Output("mask");
        b.Output(grads["x"]);
        var result = TestSupport.OrtRunner.RunOnce(b.Graph, Random("x", 61, -1f, 1f, 4, 8));
        var mask = (bool[])result["mask"].Data;
        var dx = result[grads["x"]].Floats;
        Assert.Contains(true, mask);
        Assert.Contains(false, mask);
        for (int i = 0; i < 32; i++)
            Assert.Equal(mask[i] ? r[i] / 0.75f : 0f, dx[i], 6);
    }

    [Fact]
    public void Dropout_op_in_inference_mode_passes_dy_through()
    {
        using var s = Build(b => b.Op("Dropout", ["x"]), [Random("x", 62, -1f, 1f, 3, 4)]);
        s.AssertMatches(h: 1e-2f);
    }

    [Fact]
    public void Dropout_layer_with_fed_mask_matches()
    {
        var mask = Tensor.FromFloats("mask", [2f, 0f, 2f, 2f, 0f, 0f, 2f, 0f], 2, 4);
        using var s = Build(b => b.Op("Mul", ["x", "mask"]), [Random("x", 63, -1f, 1f, 2, 4), mask], wrt: ["x"]);
        s.AssertMatches(h: 1e-2f);
        var dx = s.Analytic()["x"];
        for (int i = 0; i < 8; i++) Assert.Equal(mask.Floats[i] * s.Projection[i], dx[i]);
    }

    [Fact]
    public void BatchNormalization_inference_op_matches_for_all_inputs()
    {
        using var s = Build(b => b.Op("BatchNormalization", ["x", "scale", "bias", "mean", "var"], null, A("epsilon", 1e-3f)),
            [Random("x", 64, -1f, 1f, 2, 3, 2, 2), Random("scale", 65, 0.5f, 1.5f, 3), Random("bias", 66, -1f, 1f, 3),
             Random("mean", 67, -0.5f, 0.5f, 3), Random("var", 68, 0.5f, 1.5f, 3)]);
        s.AssertMatches(h: 1e-3f);
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("sum")]
    [InlineData("none")]
    public void SoftmaxCrossEntropyLoss_matches(string reduction)
    {
        var labels = Tensor.FromInt64s("labels", [2, 0, 4], 3);
        using var s = Build(b => b.Node("SoftmaxCrossEntropyLoss", ["scores", "labels"], 1, [A("reduction", reduction)])[0],
            [Random("scores", 74, -2f, 2f, 3, 5), labels]);
        s.AssertMatches(h: 1e-3f);
    }

    [Fact]
    public void SoftmaxCrossEntropyLoss_with_used_log_prob_output_matches()
    {
        var labels = Tensor.FromInt64s("labels", [1, 3], 2);
        using var s = Build(b =>
            {
                var outs = b.Node("SoftmaxCrossEntropyLoss", ["scores", "labels"], 2);
                return b.Op("Add", [b.Op("Mul", [outs[0], b.Const(3f)]), outs[1]]);
            },
            [Random("scores", 75, -2f, 2f, 2, 4), labels]);
        s.AssertMatches(h: 1e-3f);
    }

    private static float[] Numeric(int count, int seed) => TestSupport.Numeric.Random(count, seed);
}
