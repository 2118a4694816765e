using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OnnxTrainer.Training.Fitting;

/// <summary>
/// Keras-style progress: "Epoch 1/5", then "123/938 [=====>......] - ETA: 10s - loss: 0.4711 - acc: 0.8302",
/// redrawn in place on a terminal; on a pipe or file, a plain line at each quarter of the epoch and at its end.
/// </summary>
public sealed class ProgressBar(TextWriter output, bool interactive)
{
    private const int Width = 30;
    private readonly Stopwatch _clock = new();
    private int _steps;
    private int _nextPlain;
    private int _lastLength;

    public static bool IsTerminal => !Console.IsOutputRedirected;

    public void StartEpoch(int epoch, int epochs, int steps)
    {
        _steps = steps;
        _nextPlain = Math.Max(1, steps / 4);
        _lastLength = 0;
        output.WriteLine($"Epoch {epoch}/{epochs}");
        _clock.Restart();
    }

    public void Update(int step, double loss, double acc)
    {
        bool last = step == _steps;
        if (interactive)
        {
            double perStep = _clock.Elapsed.TotalSeconds / step;
            string line = $"{Bar(step)} - ETA: {Seconds(perStep * (_steps - step))} - loss: {F(loss)} - acc: {F(acc)}";
            output.Write('\r' + line.PadRight(_lastLength));
            _lastLength = line.Length;
            output.Flush();
        }
        else if (step >= _nextPlain && !last)
        {
            output.WriteLine($"{Bar(step)} - loss: {F(loss)} - acc: {F(acc)}");
            _nextPlain += Math.Max(1, _steps / 4);
        }
    }

    /// <summary>The epoch's closing line with its metrics (training and validation).</summary>
    public void EndEpoch(IEnumerable<(string Key, double Value)> metrics)
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        var sb = new StringBuilder();
        sb.Append(Bar(_steps)).Append(" - ").Append(Seconds(seconds)).Append(' ')
          .Append(((int)Math.Round(1000 * seconds / Math.Max(1, _steps))).ToString(CultureInfo.InvariantCulture)).Append("ms/step");
        foreach (var (k, v) in metrics) sb.Append(" - ").Append(k).Append(": ").Append(F(v));
        string line = sb.ToString();
        if (interactive) output.Write('\r' + line.PadRight(_lastLength) + "\n");
        else output.WriteLine(line);
        output.Flush();
    }

    private string Bar(int step)
    {
        int done = (int)((long)Width * step / Math.Max(1, _steps));
        string bar = done >= Width ? new string('=', Width) : new string('=', done) + '>' + new string('.', Width - done - 1);
        string count = step.ToString(CultureInfo.InvariantCulture).PadLeft(_steps.ToString(CultureInfo.InvariantCulture).Length);
        return $"{count}/{_steps} [{bar}]";
    }

    private static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Seconds(double s) => s >= 3600
        ? $"{(int)(s / 3600)}:{(int)(s % 3600 / 60):00}:{(int)(s % 60):00}"
        : s >= 60 ? $"{(int)(s / 60)}:{(int)(s % 60):00}" : $"{(int)Math.Round(s)}s";
}
