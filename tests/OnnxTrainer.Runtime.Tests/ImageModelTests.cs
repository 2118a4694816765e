using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using SkiaSharp;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>Loading, metadata, predictions from every input form, batches, top-k, grayscale, threads, errors.</summary>
public class ImageModelTests
{
    [Fact]
    public void Metadata_is_read_from_the_model()
    {
        using var model = ImageModel.Load(Fixtures.Categorical);
        var info = model.Info;
        Assert.Equal(("small", 16, 16, 3), (info.Name, info.Height, info.Width, info.Channels));
        Assert.Equal(["cat", "dog", "bird"], info.ClassNames);
        Assert.Equal(HeadKind.Categorical, info.Head);
        Assert.Equal("rescale", info.Preprocessing);
        Assert.Equal("conv2d_2", info.GradCamLayer);
        Assert.True(model.CanExplain);
        Assert.Equal(1, info.ClassIndex("dog"));
        Assert.Equal(2, info.ClassIndex("BIRD"));
        Assert.Equal("Model 'small' has no class 'fish'. Its classes: cat, dog, bird. (Parameter 'name')", Assert.Throws<ArgumentException>(() => info.ClassIndex("fish")).Message);

        using var binary = ImageModel.Load(Fixtures.Binary);
        Assert.Equal(HeadKind.Binary, binary.Info.Head);
        Assert.Equal(["cats", "dogs"], binary.Info.ClassNames);
        using var vgg = ImageModel.Load(Fixtures.Base);
        Assert.Equal(("vgg16-base", HeadKind.Other, null, false), (vgg.Info.Name, vgg.Info.Head, vgg.Info.GradCamLayer, vgg.CanExplain));
        Assert.Empty(vgg.Info.ClassNames);
    }

    [Fact]
    public void Predictions_equal_the_graph_run_on_raw_pixels_from_every_input_form()
    {
        using var model = ImageModel.Load(Fixtures.Categorical);
        using var picture = Fixtures.Picture(16, 16, 1);
        var expected = OrtRunner.RunOnce(OnnxModel.Load(Fixtures.Categorical), Fixtures.RawPixels(picture))["output"].Floats;

        var fromBitmap = model.Predict(picture);
        Numeric.AssertClose(expected, fromBitmap.Outputs.ToArray(), 1e-6f, 1e-5f, "probabilities"); // ONNX Runtime with 1 thread vs all cores
        Assert.Equal(1.0, fromBitmap.Classes.Sum(c => (double)c.Probability), 5);
        var png = Fixtures.Png(picture);
        string file = Path.Combine(Fixtures.Folder, "picture-1.png");
        File.WriteAllBytes(file, png);
        Assert.Equal(fromBitmap.Outputs, model.Predict(file).Outputs);
        Assert.Equal(fromBitmap.Outputs, model.Predict(new MemoryStream(png)).Outputs);
        Assert.Equal(fromBitmap.Outputs, model.Predict(png.AsSpan()).Outputs);

        // top-k: most probable first, with the class names of the metadata
        var ranked = fromBitmap.Outputs.Select((p, i) => (p, i)).OrderByDescending(t => t.p).ToArray();
        var top2 = fromBitmap.TopK(2);
        Assert.Equal(ranked.Take(2).Select(t => (t.i, new[] { "cat", "dog", "bird" }[t.i], t.p)), top2.Select(c => (c.Index, c.Name, c.Probability)));
        Assert.Equal(top2[0], fromBitmap.Top);
        Assert.Equal(3, fromBitmap.TopK(10).Count);
    }

    [Fact]
    public void Images_of_other_sizes_are_resized_to_the_input_and_formats_converted()
    {
        using var model = ImageModel.Load(Fixtures.Categorical);
        using var large = Fixtures.Picture(40, 30, 2);
        using var resized = large.Resize(new SKImageInfo(16, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))!;
        Assert.Equal(model.Predict(resized).Outputs, model.Predict(large).Outputs);
        using var nearest = ImageModel.Load(Fixtures.Categorical, new ImageModelOptions { Resize = ResizeMode.Nearest });
        using var resizedNearest = large.Resize(new SKImageInfo(16, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None))!;
        Assert.Equal(model.Predict(resizedNearest).Outputs, nearest.Predict(large).Outputs);
        Assert.NotEqual(model.Predict(large).Outputs, nearest.Predict(large).Outputs);

        using var bgra = new SKBitmap(new SKImageInfo(16, 16, SKColorType.Bgra8888, SKAlphaType.Premul));
        using var rgba = Fixtures.Picture(16, 16, 3);
        Assert.True(rgba.CopyTo(bgra, SKColorType.Bgra8888));
        Assert.Equal(model.Predict(rgba).Outputs, model.Predict(bgra).Outputs);
    }

    [Fact]
    public void Sigmoid_models_give_both_classes_and_gray_models_read_luma()
    {
        using var binary = ImageModel.Load(Fixtures.Binary);
        using var picture = Fixtures.Picture(16, 16, 4);
        var p = binary.Predict(picture);
        Assert.Single(p.Outputs);
        Assert.Equal([(0, "cats", 1 - p.Outputs[0]), (1, "dogs", p.Outputs[0])], p.Classes.Select(c => (c.Index, c.Name, c.Probability)));
        Assert.Equal(p.Outputs[0] > 0.5f ? "dogs" : "cats", p.Top.Name);

        // one channel: L = (19595 R + 38470 G + 7471 B + 2^15) >> 16, PIL's convert("L")
        using var gray = ImageModel.Load(Fixtures.Gray);
        Assert.Equal(["0", "1", "2"], gray.Info.ClassNames);
        var luma = new float[256];
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
            {
                var c = picture.GetPixel(x, y);
                luma[y * 16 + x] = (c.Red * 19595 + c.Green * 38470 + c.Blue * 7471 + 32768) >> 16;
            }
        var expected = OrtRunner.RunOnce(OnnxModel.Load(Fixtures.Gray), Tensor.FromFloats("input", luma, 1, 1, 16, 16))["output"].Floats;
        Numeric.AssertClose(expected, gray.Predict(picture).Outputs.ToArray(), 1e-6f, 1e-5f, "probabilities");
    }

    [Fact]
    public void Batches_are_split_and_keep_their_order()
    {
        using var model = ImageModel.Load(Fixtures.Categorical, new ImageModelOptions { MaxBatchSize = 2 });
        var pictures = Enumerable.Range(10, 5).Select(s => Fixtures.Picture(16 + s, 16, s)).ToList();
        try
        {
            var batch = model.PredictBatch(pictures);
            Assert.Equal(5, batch.Count);
            for (int i = 0; i < 5; i++) Numeric.AssertClose(model.Predict(pictures[i]).Outputs.ToArray(), batch[i].Outputs.ToArray(), 1e-6f, 1e-5f, $"image {i}");
            Assert.True(batch.Select(b => b.Outputs[0]).Distinct().Count() > 1, "different images give different predictions");
            Assert.Empty(model.PredictBatch([]));
        }
        finally
        {
            foreach (var p in pictures) p.Dispose();
        }
    }

    [Fact]
    public void One_model_answers_many_threads_at_once()
    {
        using var model = ImageModel.Load(Fixtures.Categorical, new ImageModelOptions { IntraOpThreads = 1 });
        var pictures = Enumerable.Range(0, 8).Select(s => Fixtures.Picture(16, 16, 100 + s)).ToArray();
        var expected = pictures.Select(p => model.Predict(p).Outputs.ToArray()).ToArray();
        var heat = pictures.Select(p => model.Explain(p).Heatmap.Values.ToArray()).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 160, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int k = i % 8;
            if (!model.Predict(pictures[k]).Outputs.SequenceEqual(expected[k])) failures.Add($"predict {i}");
            if (i % 4 == 0 && !model.Explain(pictures[k]).Heatmap.Values.ToArray().SequenceEqual(heat[k])) failures.Add($"explain {i}");
        });
        Assert.Empty(failures);
        foreach (var p in pictures) p.Dispose();
    }

    [Fact]
    public void Bad_files_images_and_options_say_what_was_expected()
    {
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => ImageModel.Load("/nonexistent/model.onnx")).Message);
        string notOnnx = Path.Combine(Fixtures.Folder, "not-a-model.onnx");
        File.WriteAllText(notOnnx, "hello");
        Assert.StartsWith($"'{notOnnx}' is not a model ONNX Runtime can load", Assert.Throws<InvalidDataException>(() => ImageModel.Load(notOnnx)).Message);

        // a plain ONNX graph without our metadata
        var plain = OnnxModel.Load(Fixtures.Categorical);
        plain.Metadata.Clear();
        var e = Assert.Throws<InvalidDataException>(() => ImageModel.Load(OnnxModel.ToBytes(plain)));
        Assert.Equal("The model has no 'onnx_trainer.model' metadata: it was not exported by OnnxTrainer, or by an older version; export it again with onnx-trainer export or train.", e.Message);

        using var model = ImageModel.Load(Fixtures.Categorical, new ImageModelOptions { MaxImagePixels = 1000 });
        Assert.StartsWith("Expected an image (PNG, JPEG, GIF, BMP or WebP); the data (12 bytes) is not one SkiaSharp can decode.",
            Assert.Throws<ImageDecodeException>(() => model.Predict("not an image"u8)).Message);
        Assert.Contains("is empty", Assert.Throws<ImageDecodeException>(() => model.Predict(new MemoryStream())).Message);
        using var big = Fixtures.Picture(40, 30, 5);
        Assert.Equal("The image is 40x30 = 1200 pixels; at most 1000 are accepted.", Assert.Throws<ImageTooLargeException>(() => model.Predict(Fixtures.Png(big).AsSpan())).Message);
        var truncated = Fixtures.Png(big)[..60];
        Assert.IsAssignableFrom<ImageDecodeException>(Record.Exception(() => model.Predict(truncated.AsSpan())));

        Assert.Throws<ArgumentOutOfRangeException>(() => ImageModel.Load(Fixtures.Categorical, new ImageModelOptions { MaxBatchSize = 0 }));

        using var vgg = ImageModel.Load(Fixtures.Base);
        using var picture = Fixtures.Picture(32, 32, 6);
        var features = vgg.Predict(picture);
        Assert.Equal(512, features.Outputs.Count); // [512, 1, 1] at 32x32
        Assert.Empty(features.Classes);
        Assert.StartsWith("The model is not a classifier", Assert.Throws<InvalidOperationException>(() => features.Top).Message);
    }
}
