using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Reports;
using SkiaSharp;

namespace OnnxTrainer.Training.Tests;

public class CurvesTests
{
    private static History Noisy(int epochs)
    {
        var h = new History();
        for (int e = 0; e < epochs; e++)
        {
            // Alternating values: the raw curves zigzag, the smoothed ones do not.
            double up = e % 2 == 0 ? 0.0 : 1.0;
            h.Add("loss", 1.0 - 0.5 * up); h.Add("acc", 0.5 + 0.4 * up); h.Add("val_loss", 0.6 + 0.4 * up); h.Add("val_acc", 0.9 - 0.4 * up);
        }
        return h;
    }

    private static int Count(SKBitmap bitmap, int x0, int x1, Func<SKColor, bool> which)
    {
        int n = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = x0; x < x1; x++)
                if (which(bitmap.GetPixel(x, y))) n++;
        return n;
    }

    private static bool Blue(SKColor c) => c.Blue > 200 && c.Red < 60 && c.Green < 60;

    /// <summary>Blue at 30 % opacity on white: about (179, 179, 255).</summary>
    private static bool FaintBlue(SKColor c) => c.Blue > 240 && c.Red is >= 170 and <= 188 && Math.Abs(c.Red - c.Green) <= 2;

    [Fact]
    public void Curves_png_has_an_accuracy_and_a_loss_panel_with_blue_data_in_each()
    {
        var h = new History();
        foreach (var (l, a, vl, va) in new[] { (0.9, 0.6, 0.8, 0.65), (0.5, 0.8, 0.6, 0.75), (0.3, 0.9, 0.65, 0.77) })
        {
            h.Add("loss", l); h.Add("acc", a); h.Add("val_loss", vl); h.Add("val_acc", va);
        }
        string path = Path.Combine(TrainingFixtures.TempDir(), "curves.png");
        Curves.Save(h, path, "test");
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(1200, bitmap.Width);
        Assert.Equal(450, bitmap.Height);
        Assert.True(Count(bitmap, 0, 600, Blue) > 200, "the accuracy panel shows no data");
        Assert.True(Count(bitmap, 600, 1200, Blue) > 200, "the loss panel shows no data");
    }

    [Fact]
    public void Smooth_is_listing_5_24s_exponential_moving_average()
    {
        Assert.Equal([1.0, 0.8, 0.84], Curves.Smooth([1.0, 0.0, 1.0], 0.8), new ToleranceComparer(1e-15));
        // 2 * 0.5 + 4 * 0.5 = 3, then 3 * 0.5 + 1 * 0.5 = 2.
        Assert.Equal([2.0, 3.0, 2.0], Curves.Smooth([2.0, 4.0, 1.0], 0.5));
        Assert.Equal([5.0, 7.0, -1.0], Curves.Smooth([5.0, 7.0, -1.0], 0.0));
        Assert.Equal([0.25], Curves.Smooth([0.25], 0.8));
        Assert.Empty(Curves.Smooth([], 0.8));
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(3, new[] { 1, 2, 3 })]
    [InlineData(10, new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(11, new[] { 2, 4, 6, 8, 10 })]
    [InlineData(20, new[] { 2, 4, 6, 8, 10, 12, 14, 16, 18, 20 })]
    [InlineData(30, new[] { 5, 10, 15, 20, 25, 30 })]
    [InlineData(100, new[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 })]
    [InlineData(101, new[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 })]
    [InlineData(110, new[] { 20, 40, 60, 80, 100 })]
    [InlineData(250, new[] { 50, 100, 150, 200, 250 })]
    public void Epoch_ticks_are_whole_epochs_at_a_1_2_5_step_and_at_most_ten(int epochs, int[] expected)
    {
        Assert.Equal(expected, Curves.EpochTicks(epochs));
    }

    [Fact]
    public void Smoothed_curves_are_drawn_solid_over_faint_raw_points_and_differ_from_the_raw_png()
    {
        var h = Noisy(8);
        string dir = TrainingFixtures.TempDir();
        string raw = Path.Combine(dir, "raw.png"), smoothed = Path.Combine(dir, "smoothed.png");
        Curves.Save(h, raw, "test");
        Curves.Save(h, smoothed, "test", Curves.DefaultSmoothing);
        using var a = SKBitmap.Decode(raw);
        using var b = SKBitmap.Decode(smoothed);
        Assert.Equal((1200, 450), (b.Width, b.Height));
        // Smoothed values are averages of raw ones, so both figures share their axes: a pixel maps to the same point.
        foreach (var (x0, x1, panel) in new[] { (0, 600, "accuracy"), (600, 1200, "loss") })
        {
            int turnedFaint = 0, newSolid = 0;
            for (int y = 0; y < a.Height; y++)
                for (int x = x0; x < x1; x++)
                {
                    SKColor before = a.GetPixel(x, y), after = b.GetPixel(x, y);
                    if (Blue(before) && FaintBlue(after)) turnedFaint++;
                    if (before == SKColors.White && Blue(after)) newSolid++;
                }
            Assert.True(turnedFaint > 300, $"{panel} panel: only {turnedFaint} solid raw pixels are faint with smoothing");
            Assert.True(newSolid > 200, $"{panel} panel: only {newSolid} solid pixels of smoothed curves where the raw figure is blank");
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_smoothing_factor_outside_0_to_1_is_refused_and_writes_nothing(double factor)
    {
        string path = Path.Combine(TrainingFixtures.TempDir(), "curves.png");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Curves.Save(Noisy(3), path, "test", factor));
        Assert.StartsWith("The smoothing factor must be in [0, 1).", e.Message);
        Assert.False(File.Exists(path));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
