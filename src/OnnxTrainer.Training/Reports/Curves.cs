using OnnxTrainer.Training.Fitting;
using SkiaSharp;

namespace OnnxTrainer.Training.Reports;

/// <summary>
/// Listing 5.10's figures in one PNG: training (dots) and validation (line) accuracy, then loss, per epoch.
/// With a smoothing factor, listing 5.24's smoothed curves drawn solid over the raw points, which stay faint.
/// </summary>
public static class Curves
{
    /// <summary>Listing 5.24's factor.</summary>
    public const double DefaultSmoothing = 0.8;

    /// <summary>Most labelled ticks on the epoch axis.</summary>
    private const int MaxEpochTicks = 10;

    /// <summary>Opacity of the raw points under smoothed curves.</summary>
    private const double RawOpacity = 0.3;

    /// <param name="smoothing">Factor of the exponential moving average (0 &lt;= factor &lt; 1); null plots the raw values only.</param>
    public static void Save(History history, string path, string title, double? smoothing = null)
    {
        int epochs = history.Epochs;
        if (epochs == 0) throw new ArgumentException("The history has no epochs to plot.", nameof(history));
        if (smoothing is { } factor && !(factor >= 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(smoothing), factor, "The smoothing factor must be in [0, 1).");
        double[] x = Enumerable.Range(1, epochs).Select(e => (double)e).ToArray();
        const int panelWidth = 600, height = 450;
        var acc = new ScottPlot.Plot();
        var loss = new ScottPlot.Plot();
        string smoothed = smoothing is null ? "" : "smoothed ";
        Panel(acc, x, history, "acc", $"{title}: {smoothed}training and validation accuracy", smoothing);
        Panel(loss, x, history, "loss", $"{title}: {smoothed}training and validation loss", smoothing);
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
        string tmp = path + ".tmp";
        using (var f = File.Create(tmp)) png.SaveTo(f);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Listing 5.24: s[0] = p[0], s[i] = s[i-1] * factor + p[i] * (1 - factor).</summary>
    public static double[] Smooth(IReadOnlyList<double> points, double factor)
    {
        var s = new double[points.Count];
        for (int i = 0; i < s.Length; i++) s[i] = i == 0 ? points[0] : s[i - 1] * factor + points[i] * (1 - factor);
        return s;
    }

    /// <summary>
    /// Whole-epoch tick positions for epochs 1..N: the multiples of a step up to N, the step the smallest of
    /// 1, 2, 5, 10, 20, 50, ... that leaves at most ten ticks (so every epoch for N up to ten).
    /// </summary>
    public static int[] EpochTicks(int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        int step = TickStep(epochs);
        return Enumerable.Range(1, epochs / step).Select(k => k * step).ToArray();
    }

    private static int TickStep(int epochs)
    {
        for (long decade = 1; ; decade *= 10)
            foreach (long m in new long[] { 1, 2, 5 })
                if (epochs / (m * decade) <= MaxEpochTicks) return (int)(m * decade);
    }

    private static void Panel(ScottPlot.Plot p, double[] x, History h, string key, string title, double? smoothing)
    {
        double[] train = h[key].ToArray();
        double[]? val = h["val_" + key].Count == x.Length ? h["val_" + key].ToArray() : null;
        var blue = ScottPlot.Colors.Blue;
        if (smoothing is { } f)
        {
            Series(p, x, train, blue.WithOpacity(RawOpacity), markerSize: 8, lineWidth: 0, $"Training {key} (raw)");
            if (val is not null) Series(p, x, val, blue.WithOpacity(RawOpacity), markerSize: 5, lineWidth: 1, $"Validation {key} (raw)");
            Series(p, x, Smooth(train, f), blue, markerSize: 8, lineWidth: 0, $"Smoothed training {key}");
            if (val is not null) Series(p, x, Smooth(val, f), blue, markerSize: 0, lineWidth: 2, $"Smoothed validation {key}");
        }
        else
        {
            Series(p, x, train, blue, markerSize: 8, lineWidth: 0, "Training " + key);
            if (val is not null) Series(p, x, val, blue, markerSize: 0, lineWidth: 2, "Validation " + key);
        }
        p.Title(title);
        p.XLabel("Epochs");
        int[] ticks = EpochTicks(x.Length);
        p.Axes.Bottom.SetTicks(ticks.Select(t => (double)t).ToArray(), ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        // Losses fall and accuracies rise: keep the legend where the curves are not.
        p.ShowLegend(key == "loss" ? ScottPlot.Alignment.UpperRight : ScottPlot.Alignment.LowerRight);
    }

    private static void Series(ScottPlot.Plot p, double[] x, double[] y, ScottPlot.Color color, float markerSize, float lineWidth, string legend)
    {
        var s = p.Add.Scatter(x, y);
        s.MarkerSize = markerSize;
        s.LineWidth = lineWidth;
        s.Color = color;
        s.LegendText = legend;
    }
}
