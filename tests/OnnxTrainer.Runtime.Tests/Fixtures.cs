using OnnxTrainer.Models.Networks;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;
using OnnxTrainer.Training.Export;
using SkiaSharp;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>Small exported models and images for the runtime tests, written once per test run to a temporary folder.</summary>
public static class Fixtures
{
    public static readonly string Folder = Directory.CreateTempSubdirectory("onnx-trainer-runtime-").FullName;

    /// <summary>16x16 RGB -> conv 6 -> pool -> conv 8 (Grad-CAM target, 5x5) -> flatten -> dense N.</summary>
    public static Model Small(int classes, int channels = 3, Preprocessing preprocessing = Preprocessing.Rescale) => new("small", [16, 16, channels],
    [
        new Conv2D { Name = "conv2d_1", Filters = 6, Activation = Activation.Relu },
        new Pooling2D { Name = "maxpooling2d_1" },
        new Conv2D { Name = "conv2d_2", Filters = 8, Activation = Activation.Relu },
        new Flatten { Name = "flatten_1" },
        Zoo.Classifier("dense_1", classes),
    ], preprocessing: preprocessing);

    private static readonly Lazy<string> CategoricalPath = new(() => Export(Small(3), ["cat", "dog", "bird"], "categorical.onnx"));
    private static readonly Lazy<string> BinaryPath = new(() => Export(Small(1), ["cats", "dogs"], "binary.onnx"));
    private static readonly Lazy<string> GrayPath = new(() => Export(Small(3, channels: 1), null, "gray.onnx"));
    private static readonly Lazy<string> NoExplainPath = new(() => Export(Small(3), null, "no-explain.onnx", explain: false));
    private static readonly Lazy<string> BasePath = new(() =>
    {
        var model = Zoo.Build("vgg16-base", new ZooOptions { InputShape = [32, 32, 3] });
        return Export(model, null, "vgg16-base.onnx", zooName: "vgg16-base");
    });

    public static string Categorical => CategoricalPath.Value;
    public static string Binary => BinaryPath.Value;
    public static string Gray => GrayPath.Value;
    public static string NoExplain => NoExplainPath.Value;
    public static string Base => BasePath.Value;

    public static string Export(Model model, IReadOnlyList<string>? classes, string file, bool explain = true, string? zooName = null, long seed = 3)
    {
        var network = ZooNetwork.Initialize(model, seed, zooName ?? "small") with { ClassNames = classes ?? [] };
        var info = ExportInfo.For(network);
        if (!explain) info = info.WithGradCamLayer(network, null);
        string path = Path.Combine(Folder, file);
        Exporter.Save(network, info, path);
        return path;
    }

    /// <summary>A deterministic colorful picture: smooth gradients plus a seeded pattern.</summary>
    public static SKBitmap Picture(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / Math.Max(1, width - 1)), (byte)rng.Next(256), (byte)(y * 255 / Math.Max(1, height - 1))));
        return bitmap;
    }

    public static byte[] Png(SKBitmap bitmap) => bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray();

    /// <summary>The input tensor the runtime must build for <paramref name="bitmap"/> (already at the model's size): raw RGB NCHW.</summary>
    public static Tensor RawPixels(SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height;
        var data = new float[3 * w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = bitmap.GetPixel(x, y);
                data[y * w + x] = c.Red;
                data[w * h + y * w + x] = c.Green;
                data[2 * w * h + y * w + x] = c.Blue;
            }
        return Tensor.FromFloats("input", data, 1, 3, h, w);
    }
}
