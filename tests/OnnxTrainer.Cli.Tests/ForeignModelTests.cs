using System.Globalization;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using SkiaSharp;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Cli.Tests;

/// <summary>predict, gradcam and visualize on an ONNX classifier made elsewhere (no onnx-trainer metadata).</summary>
public class ForeignModelTests
{
    // A classifier as another tool writes it: batch fixed at 1, raw scores out (no softmax), input "data" [1,3,8,8].
    private static string Classifier(TempFolder t, bool scores = true)
    {
        var b = new GraphBuilder("foreign");
        string x = b.Input("data", TensorType.Float(1, 3, 8, 8));
        b.Initializer(Tensor.FromFloats("conv.W", Numeric.Random(4 * 3 * 9, 3, -0.5f, 0.5f), 4, 3, 3, 3));
        b.Initializer(Tensor.FromFloats("fc.W", Numeric.Random(4 * 3, 4, -1f, 1f), 4, 3));
        b.Initializer(Tensor.FromFloats("fc.B", [0.1f, -0.2f, 0.05f], 3));
        string a = b.Op("Relu", [b.Op("Conv", [x, "conv.W"], "conv", A("kernel_shape", new long[] { 3, 3 }), A("pads", new long[] { 1, 1, 1, 1 }))], "relu");
        if (!scores)
        {
            b.Output(a);
        }
        else
        {
            string pooled = b.Op("Flatten", [b.Op("GlobalAveragePool", [a], "gap")], "flat", A("axis", 1L));
            b.Output(b.Op("Gemm", [pooled, "fc.W", "fc.B"], "scores"));
        }
        string path = t["foreign.onnx"];
        OnnxModel.Save(b.Graph, path);
        return path;
    }

    private static (string Path, float[] Pixels) Picture(TempFolder t)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new float[3 * 64];
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                var c = new SKColor((byte)(x * 30), (byte)(y * 30), (byte)((x * y * 7) % 256));
                bitmap.SetPixel(x, y, c);
                pixels[y * 8 + x] = c.Red;
                pixels[64 + y * 8 + x] = c.Green;
                pixels[128 + y * 8 + x] = c.Blue;
            }
        string path = t["picture.png"];
        File.WriteAllBytes(path, bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        return (path, pixels);
    }

    [Fact]
    public void Predict_serves_a_foreign_classifier_with_the_preprocessing_and_class_names_given()
    {
        using var t = new TempFolder();
        string model = Classifier(t);
        var (image, pixels) = Picture(t);
        var run = CliRun.Of("predict", model, image, "--input-shape", "8,8,3", "--layout", "NCHW", "--preprocessing", "rescale",
            "--class-names", "cat,dog,bird", "--top", "3").Succeeded();

        // the reference: the original file in ONNX Runtime on pixels / 255, then a softmax over its scores
        var scores = OrtRunner.RunOnce(OnnxModel.Load(model), Tensor.FromFloats("data", pixels.Select(p => p / 255f).ToArray(), 1, 3, 8, 8))["scores"].Floats;
        double max = scores.Max();
        var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
        var probabilities = exp.Select(e => e / exp.Sum()).ToArray();
        string[] names = ["cat", "dog", "bird"];
        var expected = Enumerable.Range(0, 3).OrderByDescending(i => probabilities[i])
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{names[i]} {probabilities[i]:0.0000}"));
        Assert.Equal($"{image}: {string.Join(", ", expected)}\n", run.Stdout);

        var cam = CliRun.Of("gradcam", model, image, "--input-shape", "8,8,3", "--preprocessing", "rescale", "--class-names", "cat,dog,bird",
            "--out", t["cam.png"]).Succeeded();
        Assert.Contains(" on relu, heatmap 8x8 over 8x8.", cam.Stdout); // the last feature map wider than 1x1
    }

    [Fact]
    public void A_model_without_a_vector_of_class_scores_is_refused_in_one_line()
    {
        using var t = new TempFolder();
        string model = Classifier(t, scores: false);
        var (image, _) = Picture(t);
        var run = CliRun.Of("predict", model, image);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: '{model}': its output 'relu' is f32[N,4,8,8], not a vector of class scores [N,K]; predict, gradcam and visualize need a classifier " +
                     "(train or export it with --cut VALUE and a --head to make one).\n", run.Stderr);
        var layout = CliRun.Of("predict", Classifier(t), image, "--layout", "NHWC");
        Assert.Equal(2, layout.ExitCode);
        Assert.Equal($"error: --layout NHWC: the input 'data' of '{model}' is NCHW.\n", layout.Stderr);
    }

    [Fact]
    public void Cut_on_a_zoo_model_is_refused()
    {
        var run = CliRun.Of("summary", "mnist-convnet", "--cut", "conv2d_3");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --cut conv2d_3 applies to an imported .onnx model; zoo model 'mnist-convnet' takes --head on its base.\n", run.Stderr);
    }
}
