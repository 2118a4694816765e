using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Models.Tests;

/// <summary>The preprocessing op at the head of every graph maps raw RGB pixels as Keras and torchvision do.</summary>
public class PreprocessingTests
{
    private static float[] Apply(Preprocessing p, float[] rgbPixel)
    {
        var b = new GraphBuilder("pre");
        string x = b.Input("input", TensorType.Float(TensorType.Batch, 3, 1, 1));
        string y = PreprocessingGraph.Emit(b, x, p, 3);
        b.Output(b.Op("Identity", [y], "output"));
        return OrtRunner.RunOnce(b.Graph, Tensor.FromFloats("input", rgbPixel, 1, 3, 1, 1))["output"].Floats;
    }

    [Fact]
    public void Caffe_swaps_to_bgr_and_subtracts_the_imagenet_bgr_mean()
    {
        // keras.applications.vgg16.preprocess_input: x[..., ::-1] - [103.939, 116.779, 123.68]
        Numeric.AssertClose([30f - 103.939f, 20f - 116.779f, 10f - 123.68f], Apply(Preprocessing.Caffe, [10f, 20f, 30f]), atol: 1e-4f);
    }

    [Fact]
    public void Torch_scales_then_normalizes_with_imagenet_mean_and_std()
    {
        float[] rgb = [255f, 0f, 127.5f];
        float[] expected = [(1f - 0.485f) / 0.229f, (0f - 0.456f) / 0.224f, (0.5f - 0.406f) / 0.225f];
        Numeric.AssertClose(expected, Apply(Preprocessing.Torch, rgb), atol: 1e-5f);
    }

    [Fact]
    public void Rescale_divides_by_255_and_none_passes_pixels_through()
    {
        Numeric.AssertClose([1f, 0f, 0.5f], Apply(Preprocessing.Rescale, [255f, 0f, 127.5f]), atol: 1e-6f);
        Numeric.AssertClose([255f, 0f, 127.5f], Apply(Preprocessing.None, [255f, 0f, 127.5f]), atol: 0f);
    }

    [Fact]
    public void Caffe_on_grayscale_is_an_error_naming_the_channels()
    {
        var e = Assert.Throws<ModelException>(() => new ModelRecipe { Model = "mnist-convnet", Preprocessing = "caffe" }.Build()
            is var m ? ForwardGraph.Build(m, Weights.Initialize(m, 1), false) : null);
        Assert.Contains("needs RGB input (3 channels), got 1", e.Message);
        Assert.Throws<ModelException>(() => PreprocessingGraph.Parse("imagenet"));
    }
}
