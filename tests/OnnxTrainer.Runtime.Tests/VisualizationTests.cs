using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>Intermediate activations (listings 5.27-5.28) and filter patterns by gradient ascent (listings 5.36-5.39).</summary>
public class VisualizationTests
{
    [Fact]
    public void Activations_are_the_layer_outputs_the_graph_exposes()
    {
        var graph = OnnxModel.Load(Fixtures.Categorical);
        var exposed = ExposeActivations.Apply(graph, [("conv2d_1", "conv2d_1/out"), ("maxpooling2d_1", "maxpooling2d_1/out"), ("conv2d_2", "conv2d_2/out")])
            .Values.Values.ToList();
        Assert.Equal(["conv2d_1/out", "maxpooling2d_1/out", "conv2d_2/out"], exposed);
        using var model = ImageModel.Load(OnnxModel.ToBytes(graph));
        Assert.Equal(["conv2d_1", "maxpooling2d_1", "conv2d_2"], model.ActivationLayers);
        using var picture = Fixtures.Picture(16, 16, 11);
        var maps = model.Activations(picture);
        var expected = OrtRunner.RunOnce(graph, Fixtures.RawPixels(picture));
        Assert.Equal(["conv2d_1", "maxpooling2d_1", "conv2d_2"], maps.Select(m => m.Name));
        Assert.Equal((6, 14, 14), (maps[0].Channels, maps[0].Height, maps[0].Width));
        for (int i = 0; i < 3; i++) Assert.Equal(expected[exposed[i]].Floats, maps[i].Values.ToArray());
        Assert.Equal(maps[2].Values.ToArray(), model.Activations(picture, ["conv2d_2"])[0].Values.ToArray());

        using var plain = ImageModel.Load(Fixtures.Categorical);
        Assert.Empty(plain.ActivationLayers);
        Assert.StartsWith("Model 'small' outputs no layer activations", Assert.Throws<ArgumentException>(() => plain.Activations(picture)).Message);
        Assert.StartsWith("Model 'small' does not output the activations of dense_1. It outputs: conv2d_1, maxpooling2d_1, conv2d_2.",
            Assert.Throws<ArgumentException>(() => model.Activations(picture, ["dense_1"])).Message);
    }

    [Fact]
    public void Gradient_ascent_raises_each_filters_mean_activation_and_is_seeded()
    {
        var forward = OnnxModel.Load(Fixtures.Categorical);
        var graph = FilterGradient.Build(forward, "conv2d_2/out", 12, 12);
        using var ascent = new FilterAscent(OnnxModel.ToBytes(graph));
        Assert.Equal((3, 12, 12), (ascent.Channels, ascent.Height, ascent.Width));
        int[] filters = [0, 3, 5, 7, 1];
        var start = ascent.Run(filters, steps: 0, seed: 1);
        var done = ascent.Run(filters, steps: 40, seed: 1, batchSize: 2);
        Assert.All(start.SelectMany(s => s.Image), v => Assert.InRange(v, 128f, 148f)); // listing 5.36's gray image with noise
        for (int i = 0; i < filters.Length; i++)
            Assert.Equal(start[i].Loss, done[i].InitialLoss, 1e-6f * Math.Abs(start[i].Loss)); // batches of 2 vs 5: the last bit may differ
        for (int i = 0; i < filters.Length; i++)
            Assert.True(done[i].Loss > start[i].Loss, $"filter {filters[i]}: the mean activation went from {start[i].Loss} to {done[i].Loss}");
        // each step moves the image by the normalized gradient: RMS step 1 for 40 steps
        double moved = Math.Sqrt(start[1].Image.Zip(done[1].Image, (a, b) => (double)(b - a) * (b - a)).Average());
        Assert.InRange(moved, 1.0, 40.0);
        var again = ascent.Run(filters, steps: 40, seed: 1, batchSize: 5);
        for (int i = 0; i < filters.Length; i++) Numeric.AssertClose(done[i].Image, again[i].Image, 1e-3f, 1e-5f, $"filter {filters[i]}");
        Assert.NotEqual(start[0].Image, ascent.Run(filters, steps: 0, seed: 2)[0].Image);
    }

    [Fact]
    public void Deprocess_and_grid_follow_listings_5_37_and_5_39()
    {
        // a 1-channel 2x2 image [0, 1, 2, 3]: mean 1.5, std sqrt(1.25); (x - 1.5) / std * 0.1 + 0.5, times 255, truncated
        using var tile = FilterAscent.Deprocess(new float[] { 0, 1, 2, 3 }, 1, 2, 2);
        byte Expected(double x) => (byte)(255 * ((x - 1.5) / (Math.Sqrt(1.25) + 1e-5) * 0.1 + 0.5));
        Assert.Equal(new[] { Expected(0), Expected(1), Expected(2), Expected(3) }, new[] { tile.GetPixel(0, 0), tile.GetPixel(1, 0), tile.GetPixel(0, 1), tile.GetPixel(1, 1) }.Select(c => c.Red));
        Assert.Equal(tile.GetPixel(1, 1).Red, tile.GetPixel(1, 1).Blue);

        var tiles = Enumerable.Range(0, 64).Select(k =>
        {
            var t = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(64, 64, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
            t.Erase(new SkiaSharp.SKColor((byte)k, 0, 0));
            return t;
        }).ToList();
        using var grid = FilterAscent.Grid(tiles);
        Assert.Equal((8 * 64 + 7 * 5, 8 * 64 + 7 * 5), (grid.Width, grid.Height));
        Assert.Equal(9, grid.GetPixel(64 + 5, 64 + 5 + 10).Red + 0 * 1);       // row 1, column 1: filter 1 + 8 * 1 = 9
        Assert.Equal(2 + 8 * 3, grid.GetPixel(3 * 69 + 1, 2 * 69 + 1).Red);   // row 2, column 3
        Assert.Equal(SkiaSharp.SKColors.Black, grid.GetPixel(64 + 2, 10));    // margin
        foreach (var t in tiles) t.Dispose();
    }
}
