using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>Grad-CAM through the runtime: the graph's explain outputs, class selection by index and name, errors.</summary>
public class ExplainTests
{
    [Fact]
    public void Explanation_is_the_graphs_explain_outputs_for_the_chosen_class()
    {
        using var model = ImageModel.Load(Fixtures.Categorical);
        using var picture = Fixtures.Picture(16, 16, 7);
        var graph = OnnxModel.Load(Fixtures.Categorical);
        // OnnxModel.Load keeps an input that has a default (an initializer of the same name) as the initializer only
        graph.Inputs.Add(new ValueInfo("explain_class", TensorType.Int64(TensorType.Batch)));
        using var runner = new OrtRunner(graph);

        var predicted = model.Explain(picture);
        Assert.Equal(model.Predict(picture).Top, predicted.ExplainedClass);
        Assert.Equal("conv2d_2", predicted.Layer);
        Assert.Equal((5, 5), (predicted.Heatmap.Width, predicted.Heatmap.Height));
        Assert.Equal((8, 5, 5), (predicted.Activations.Channels, predicted.Activations.Height, predicted.Activations.Width));

        for (int k = 0; k < 3; k++)
        {
            var byIndex = model.Explain(picture, k);
            var byName = model.Explain(picture, new[] { "cat", "dog", "bird" }[k]);
            var outs = runner.Run([Fixtures.RawPixels(picture), Tensor.FromInt64s("explain_class", [k], 1)]);
            Assert.Equal(k, byIndex.ExplainedClass.Index);
            Numeric.AssertClose(outs["explain/heatmap"].Floats, byIndex.Heatmap.Values, 1e-6f, 1e-5f, "explain/heatmap");
            Numeric.AssertClose(outs["explain/gradients"].Floats, byIndex.Gradients.Values, 1e-6f, 1e-5f, "explain/gradients");
            Numeric.AssertClose(outs["explain/activations"].Floats, byIndex.Activations.Values, 1e-6f, 1e-5f, "explain/activations");
            Assert.Equal(byIndex.Heatmap.Values.ToArray(), byName.Heatmap.Values.ToArray());
            Assert.Equal(model.Predict(picture).Outputs, byIndex.Prediction.Outputs);
            var heat = byIndex.Heatmap.Values.ToArray();
            Assert.True(heat.Max() == 1f || heat.All(v => v == 0f));
            Assert.All(heat, v => Assert.InRange(v, 0f, 1f));
        }
        Assert.NotEqual(model.Explain(picture, 0).Gradients.Values.ToArray(), model.Explain(picture, 1).Gradients.Values.ToArray());
    }

    [Fact]
    public void Sigmoid_models_explain_either_class()
    {
        using var model = ImageModel.Load(Fixtures.Binary);
        using var picture = Fixtures.Picture(16, 16, 8);
        var dogs = model.Explain(picture, "dogs");
        var cats = model.Explain(picture, "cats");
        Assert.Equal((1, "dogs"), (dogs.ExplainedClass.Index, dogs.ExplainedClass.Name));
        Assert.Equal(dogs.Gradients.Values.ToArray().Select(v => -v), cats.Gradients.Values.ToArray());
        Assert.Equal(model.Predict(picture).Top.Index, model.Explain(picture).ExplainedClass.Index);
    }

    [Fact]
    public void Explaining_needs_explain_outputs_and_a_class_of_the_model()
    {
        using var picture = Fixtures.Picture(16, 16, 9);
        using var noExplain = ImageModel.Load(Fixtures.NoExplain);
        Assert.False(noExplain.CanExplain);
        Assert.Equal("Model 'small' has no Grad-CAM outputs; export it again without --no-explain.", Assert.Throws<InvalidOperationException>(() => noExplain.Explain(picture)).Message);
        using var model = ImageModel.Load(Fixtures.Categorical);
        Assert.StartsWith("Model 'small' has classes 0 to 2 (cat, dog, bird).", Assert.Throws<ArgumentOutOfRangeException>(() => model.Explain(picture, 3)).Message);
        Assert.StartsWith("Model 'small' has no class 'fish'.", Assert.Throws<ArgumentException>(() => model.Explain(picture, "fish")).Message);
        using var vgg = ImageModel.Load(Fixtures.Base);
        using var rgb = Fixtures.Picture(32, 32, 9);
        Assert.StartsWith("Model 'vgg16-base' is not a classifier", Assert.Throws<InvalidOperationException>(() => vgg.Explain(rgb)).Message);
    }
}
