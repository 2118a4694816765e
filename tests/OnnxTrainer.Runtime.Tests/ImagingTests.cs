using OnnxTrainer.Runtime.Imaging;
using SkiaSharp;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>Heatmap upsampling, the jet and viridis colormaps, listing 5.44's overlay, listing 5.31's grid, PNG/JPEG files.</summary>
public class ImagingTests
{
    [Fact]
    public void Heatmap_resize_is_bilinear_with_aligned_pixel_centers_as_cv2()
    {
        var h = new Heatmap(2, 2, [0f, 1f, 2f, 3f]).Resize(4, 4);
        // cv2.resize(np.float32([[0, 1], [2, 3]]), (4, 4), interpolation=cv2.INTER_LINEAR)
        Assert.Equal([0f, 0.25f, 0.75f, 1f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2f, 2.25f, 2.75f, 3f], h.Values.ToArray());
        var wide = new Heatmap(3, 1, [0f, 3f, 6f]).Resize(2, 2);
        Assert.Equal([0.75f, 5.25f, 0.75f, 5.25f], wide.Values.ToArray()); // x samples 0.25 and 1.75
        Assert.Equal(3f, new Heatmap(2, 2, [0f, 1f, 2f, 3f])[1, 1]);
    }

    [Fact]
    public void Jet_and_viridis_have_their_known_colors()
    {
        Assert.Equal(new SKColor(0, 0, 128), Colormaps.Jet(0f));      // OpenCV JET at 0: dark blue
        Assert.Equal(new SKColor(128, 255, 128), Colormaps.Jet(0.5f));
        Assert.Equal(new SKColor(128, 0, 0), Colormaps.Jet(1f));      // dark red
        Assert.Equal(new SKColor(0, 255, 255), Colormaps.Jet(0.375f)); // cyan
        Assert.Equal(new SKColor(0x44, 0x01, 0x54), Colormaps.Viridis(0f));
        Assert.Equal(new SKColor(0x27, 0x7f, 0x8e), Colormaps.Viridis(3f / 7f));
        Assert.Equal(new SKColor(0xfd, 0xe7, 0x25), Colormaps.Viridis(1f));
    }

    [Fact]
    public void Overlay_adds_forty_percent_of_the_jet_heatmap_to_the_picture_and_saturates()
    {
        using var picture = new SKBitmap(new SKImageInfo(2, 1, SKColorType.Rgba8888, SKAlphaType.Opaque));
        picture.SetPixel(0, 0, new SKColor(10, 20, 30));
        picture.SetPixel(1, 0, new SKColor(250, 100, 200));
        using var overlay = GradCamRenderer.Overlay(picture, new Heatmap(2, 1, [0f, 1f]));
        // heat 0: jet = (0, 0, 128), 0.4 * 128 = 51.2; heat 1: jet = (128, 0, 0)
        Assert.Equal(new SKColor(10, 20, 81), overlay.GetPixel(0, 0));
        Assert.Equal(new SKColor(255, 100, 200), overlay.GetPixel(1, 0)); // 250 + 51.2 saturates
        using var big = new SKBitmap(new SKImageInfo(40, 20, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var up = GradCamRenderer.Overlay(big, new Heatmap(2, 2, [0f, 0f, 0f, 1f]));
        Assert.Equal((40, 20), (up.Width, up.Height));
        Assert.Equal(new SKColor(0, 0, 51), up.GetPixel(0, 0));
        Assert.Equal(new SKColor(51, 0, 0), up.GetPixel(39, 19));
    }

    [Fact]
    public void Activation_grid_tiles_sixteen_channels_a_row_normalized_as_listing_5_31()
    {
        // channel c of 3x2 maps: values c, c+1, ..., with channel 1 constant
        var values = new float[20 * 6];
        for (int c = 0; c < 20; c++)
            for (int i = 0; i < 6; i++) values[c * 6 + i] = c == 1 ? 5f : c + i;
        var map = new FeatureMap("conv", 20, 2, 3, values);
        Assert.Equal([0, 0, 0, 0, 0, 0], ActivationGrid.Normalize(map.Channel(1))); // std 0
        // (i - 2.5) / sqrt(35/12) * 64 + 128, truncated: 34.3, 71.8, 109.3, 146.7, 184.2, 221.7
        Assert.Equal([34, 71, 109, 146, 184, 221], ActivationGrid.Normalize(map.Channel(0)));
        using var grid = ActivationGrid.Render(map, cellScale: 2);
        Assert.Equal((16 * 3 * 2, 2 * 2 * 2), (grid.Width, grid.Height));
        Assert.Equal(Colormaps.Viridis(34 / 255f), grid.GetPixel(0, 0));
        Assert.Equal(Colormaps.Viridis(34 / 255f), grid.GetPixel(1, 1));                 // the cell is enlarged 2x
        Assert.Equal(Colormaps.Viridis(221 / 255f), grid.GetPixel(5, 3));
        Assert.Equal(Colormaps.Viridis(0f), grid.GetPixel(6, 0));                         // channel 1
        Assert.Equal(Colormaps.Viridis(34 / 255f), grid.GetPixel(0, 4));                  // channel 16 starts row 2
        Assert.Equal(SKColors.Black, grid.GetPixel(4 * 6, 4));                           // channel 20 does not exist
    }

    [Fact]
    public void Files_are_png_or_jpeg_by_extension()
    {
        using var picture = Fixtures.Picture(20, 10, 1);
        // a folder of its own: other tests write their fixtures into Fixtures.Folder at the same time
        string folder = Directory.CreateTempSubdirectory("onnx-trainer-imaging-").FullName;
        string png = Path.Combine(folder, "x.png"), jpg = Path.Combine(folder, "x.JPG");
        ImageFiles.Save(picture, png);
        ImageFiles.Save(picture, jpg, jpegQuality: 90);
        using var back = ImageLoader.Decode(png);
        Assert.Equal(picture.GetPixel(7, 3), back.GetPixel(7, 3));
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, File.ReadAllBytes(jpg)[..2]);
        Assert.Equal("Expected a .png, .jpg or .jpeg file name; 'x.gif' ends in '.gif'. (Parameter 'path')",
            Assert.Throws<ArgumentException>(() => ImageFiles.Save(picture, "x.gif")).Message);
        Assert.Equal(["x.JPG", "x.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)); // no temporaries left
    }
}
