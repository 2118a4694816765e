using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Reports;
using SkiaSharp;

namespace OnnxTrainer.Training.Tests;

public class CurvesTests
{
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
        int BluePixels(int x0, int x1)
        {
            int n = 0;
            for (int y = 0; y < bitmap.Height; y++)
                for (int x = x0; x < x1; x++)
                {
                    var c = bitmap.GetPixel(x, y);
                    if (c.Blue > 200 && c.Red < 60 && c.Green < 60) n++;
                }
            return n;
        }
        Assert.True(BluePixels(0, 600) > 200, "the accuracy panel shows no data");
        Assert.True(BluePixels(600, 1200) > 200, "the loss panel shows no data");
    }
}
