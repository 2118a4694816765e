using OnnxTrainer.Training.Fitting;
using SkiaSharp;

namespace OnnxTrainer.Training.Reports;

/// <summary>
/// Listing 5.10's figures in one PNG: training (dots) and validation (line) accuracy, then loss, per epoch.
/// </summary>
public static class Curves
{
    public static void Save(History history, string path, string title)
    {
        int epochs = history.Epochs;
        if (epochs == 0) throw new ArgumentException("The history has no epochs to plot.", nameof(history));
        double[] x = Enumerable.Range(1, epochs).Select(e => (double)e).ToArray();
        const int panelWidth = 600, height = 450;
        var acc = new ScottPlot.Plot();
        var loss = new ScottPlot.Plot();
        Panel(acc, x, history, "acc", $"{title}: training and validation accuracy");
        Panel(loss, x, history, "loss", $"{title}: training and validation loss");
        using var surface = SKSurface.Create(new SKImageInfo(2 * panelWidth, height));
        surface.Canvas.Clear(SKColors.White);
        // Each panel renders on its own surface (a plot clears the canvas it renders on), then both are placed side by side.
        foreach (var (plot, left) in new[] { (acc, 0), (loss, panelWidth) })
        {
            using var panel = SKSurface.Create(new SKImageInfo(panelWidth, height));
            plot.Render(panel.Canvas, panelWidth, height);
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, left, 0);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        Onnx.Files.SafeFile.Write(path, png.SaveTo, "curves file");
    }

    private static void Panel(ScottPlot.Plot p, double[] x, History h, string key, string title)
    {
        var train = p.Add.Scatter(x, h[key].ToArray());
        train.LineWidth = 0;
        train.MarkerSize = 8;
        train.Color = ScottPlot.Colors.Blue;
        train.LegendText = "Training " + key;
        if (h["val_" + key].Count == x.Length)
        {
            var val = p.Add.Scatter(x, h["val_" + key].ToArray());
            val.MarkerSize = 0;
            val.LineWidth = 2;
            val.Color = ScottPlot.Colors.Blue;
            val.LegendText = "Validation " + key;
        }
        p.Title(title);
        p.XLabel("Epochs");
        // Losses fall and accuracies rise: keep the legend where the curves are not.
        p.ShowLegend(key == "loss" ? ScottPlot.Alignment.UpperRight : ScottPlot.Alignment.LowerRight);
    }
}
