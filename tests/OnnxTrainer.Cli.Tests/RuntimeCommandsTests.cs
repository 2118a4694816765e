using System.Text.Json;
using OnnxTrainer.Runtime;
using SkiaSharp;

namespace OnnxTrainer.Cli.Tests;

/// <summary>predict, gradcam, visualize activations/filters and bench predict/gradcam on a small exported model.</summary>
public class RuntimeCommandsTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly string _model, _image, _text;

    public RuntimeCommandsTests()
    {
        _model = _dir["santa.onnx"];
        CliRun.Of("export", "santa-convnet", "--input-shape", "32,32,3", "--class-names", "other,santa", "--seed", "4", "--out", _model).Succeeded();
        _image = _dir["photo.png"];
        using var bitmap = new SKBitmap(new SKImageInfo(48, 40, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rng = new Random(3);
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 48; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 5), (byte)rng.Next(256), (byte)(y * 6)));
        File.WriteAllBytes(_image, bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        _text = _dir["notes.png"];
        File.WriteAllText(_text, "not a picture");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Predict_prints_classes_and_probabilities_as_text_or_json()
    {
        using var model = ImageModel.Load(_model);
        var p = model.Predict(_image);
        string F(float v) => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
        var one = CliRun.Of("predict", _model, _image).Succeeded();
        Assert.Equal($"{_image}: {p.Top.Name} {F(p.Top.Probability)}\n", one.Stdout);
        var two = CliRun.Of("predict", _model, _image, _image, "--top", "2").Succeeded();
        string line = $"{_image}: {p.TopK(2)[0].Name} {F(p.TopK(2)[0].Probability)}, {p.TopK(2)[1].Name} {F(p.TopK(2)[1].Probability)}\n";
        Assert.Equal(line + line, two.Stdout);

        var json = JsonDocument.Parse(CliRun.Of("predict", _model, _image, "--json", "--top", "2").Succeeded().Stdout).RootElement;
        Assert.Equal("santa-convnet", json.GetProperty("model").GetString());
        var top = json.GetProperty("predictions")[0].GetProperty("top");
        Assert.Equal(2, top.GetArrayLength());
        Assert.Equal(p.Top.Name, top[0].GetProperty("class").GetString());
        Assert.Equal(p.Top.Index, top[0].GetProperty("index").GetInt32());
        Assert.Equal(p.Top.Probability, top[0].GetProperty("probability").GetSingle());
    }

    [Fact]
    public void Gradcam_writes_the_overlay_at_the_image_size_for_the_chosen_class_and_layer()
    {
        var run = CliRun.Of("gradcam", _model, _image, "--out", _dir["cam.png"]).Succeeded();
        using var model = ImageModel.Load(_model);
        using var picture = ImageLoader.Decode(_image);
        var top = model.Predict(picture).Top;
        Assert.Equal($"Wrote {_dir["cam.png"]}: class {top.Name} (index {top.Index}, probability {top.Probability.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}) on conv2d_3, heatmap 4x4 over 48x40.\n", run.Stdout);
        using var written = ImageLoader.Decode(_dir["cam.png"]);
        using var expected = OnnxTrainer.Runtime.Imaging.GradCamRenderer.Overlay(picture, model.Explain(picture).Heatmap);
        Assert.Equal(expected.Pixels, written.Pixels);

        Assert.Contains("class santa (index 1,", CliRun.Of("gradcam", _model, _image, "--class", "santa", "--out", _dir["santa.jpg"]).Succeeded().Stdout);
        Assert.Contains("class other (index 0,", CliRun.Of("gradcam", _model, _image, "--class", "0", "--out", _dir["other.png"]).Succeeded().Stdout);
        Assert.Contains("on conv2d_2, heatmap 12x12 over 48x40", CliRun.Of("gradcam", _model, _image, "--layer", "conv2d_2", "--out", _dir["l2.png"]).Succeeded().Stdout);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, File.ReadAllBytes(_dir["santa.jpg"])[..2]);
    }

    [Theory]
    [InlineData("--class", "reindeer", "error: --class expects a class name or index; model 'santa-convnet' has no class 'reindeer'. Its classes: other, santa.")]
    [InlineData("--class", "2", "error: --class 2: model 'santa-convnet' has classes 0 to 1 (other, santa).")]
    [InlineData("--layer", "dense_1", "error: Grad-CAM layer 'dense_1' is not a feature-map layer of this model. Expected one of: conv2d_1, maxpooling2d_1, conv2d_2, maxpooling2d_2, conv2d_3, maxpooling2d_3.")]
    public void Gradcam_errors_are_one_line(string option, string value, string expected)
    {
        var run = CliRun.Of("gradcam", _model, _image, option, value, "--out", _dir["x.png"]);
        Assert.Equal((2, expected + "\n"), (run.ExitCode, run.Stderr));
        Assert.False(File.Exists(_dir["x.png"]));
    }

    [Fact]
    public void Files_that_are_not_images_or_models_are_one_line_errors()
    {
        var bad = CliRun.Of("predict", _model, _image, _text);
        Assert.Equal((2, $"error: IMAGE '{_text}': Expected an image (PNG, JPEG, GIF, BMP or WebP); '{_text}' (13 bytes) is not one SkiaSharp can decode.\n"), (bad.ExitCode, bad.Stderr));
        var missing = CliRun.Of("gradcam", _model, _dir["none.png"], "--out", _dir["x.png"]);
        Assert.Equal((2, $"error: Image file '{_dir["none.png"]}' does not exist.\n"), (missing.ExitCode, missing.Stderr));
        var notModel = CliRun.Of("predict", _text, _image);
        Assert.Equal(2, notModel.ExitCode);
        Assert.StartsWith($"error: '{_text}' is not a model ONNX Runtime can load", notModel.Stderr);
        var extension = CliRun.Of("gradcam", _model, _image, "--out", _dir["x.gif"]);
        Assert.Equal((2, $"error: --out expects a .png, .jpg or .jpeg file name, got '{_dir["x.gif"]}'.\n"), (extension.ExitCode, extension.Stderr));
        CliRun.Of("export", "santa-convnet", "--input-shape", "32,32,3", "--no-explain", "--out", _dir["plain.onnx"]).Succeeded();
        var plain = CliRun.Of("gradcam", _dir["plain.onnx"], _image, "--out", _dir["x.png"]);
        Assert.Equal("error: Model 'santa-convnet' has no Grad-CAM outputs (exported with --no-explain); export it again, or give --layer.\n", plain.Stderr);
        Assert.Contains("on conv2d_3", CliRun.Of("gradcam", _dir["plain.onnx"], _image, "--layer", "conv2d_3", "--out", _dir["y.png"]).Succeeded().Stdout);
    }

    [Fact]
    public void Visualize_activations_writes_one_grid_per_layer()
    {
        var run = CliRun.Of("visualize", "activations", _model, _image, "--layers", "3", "--out", _dir["act"]).Succeeded();
        Assert.Equal(
            $"Wrote {_dir["act"]}/01-conv2d_1.png: conv2d_1, 32 channels of 30x30 (shown 2x).\n" +
            $"Wrote {_dir["act"]}/02-maxpooling2d_1.png: maxpooling2d_1, 32 channels of 15x15 (shown 3x).\n" +
            $"Wrote {_dir["act"]}/03-conv2d_2.png: conv2d_2, 32 channels of 12x12 (shown 3x).\n", run.Stdout);
        using var first = ImageLoader.Decode(_dir["act/01-conv2d_1.png"]);
        Assert.Equal((16 * 60, 2 * 60), (first.Width, first.Height)); // 16 channels a row, two rows
        Assert.Equal(["01-conv2d_1.png", "02-maxpooling2d_1.png", "03-conv2d_2.png"], Directory.GetFiles(_dir["act"]).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Visualize_filters_writes_the_grid_of_patterns()
    {
        var run = CliRun.Of("visualize", "filters", _model, "--layer", "conv2d_2", "--size", "20", "--filters", "10", "--steps", "3", "--out", _dir["f.png"]).Succeeded();
        Assert.StartsWith($"Wrote {_dir["f.png"]}: filters 0-9 of conv2d_2 (32 in all), 20x20, 3 steps of 1; mean activation ", run.Stdout);
        Assert.Matches(@"mean activation [0-9.e-]+ at the start, [0-9.e-]+ at the end \(averages over the filters\)\.\n$", run.Stdout);
        using var grid = ImageLoader.Decode(_dir["f.png"]);
        Assert.Equal((2 * 20 + 5, 8 * 20 + 7 * 5), (grid.Width, grid.Height)); // filters 0-7 in column 0, 8-9 in column 1
        var error = CliRun.Of("visualize", "filters", _model, "--layer", "dense_1", "--out", _dir["g.png"]);
        Assert.Equal("error: --layer dense_1: not a feature-map layer of the model. Expected one of: conv2d_1, maxpooling2d_1, conv2d_2, maxpooling2d_2, conv2d_3, maxpooling2d_3.\n", error.Stderr);
    }

    [Fact]
    public void Bench_commands_print_their_measurements()
    {
        var predict = CliRun.Of("bench", "predict", _model, "--batch-size", "4", "--repeats", "2").Succeeded();
        Assert.Matches(@"^santa-convnet 32x32: predict 1 image [0-9.]+ ms \(median of 2\); batch 4: [0-9.]+ ms, [0-9.]+ images/s; threads \d+\n$", predict.Stdout);
        var cam = CliRun.Of("bench", "gradcam", _model, "--repeats", "2").Succeeded();
        Assert.Matches(@"^santa-convnet 32x32: predict [0-9.]+ ms, gradcam on conv2d_3 [0-9.]+ ms \(median of 2, mean of 3 rounds\): ratio [0-9.]+\n$", cam.Stdout);
    }
}
