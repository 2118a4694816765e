using System.Diagnostics;
using System.Globalization;

namespace OnnxTrainer.Training.Bench;

/// <summary>Durations of the timed calls of one measurement, in milliseconds, sorted ascending.</summary>
public sealed record Timing(IReadOnlyList<double> SortedMs)
{
    public int Repeats => SortedMs.Count;

    /// <summary>The middle duration: sorted[R / 2] (for an even R, the upper of the two middle ones).</summary>
    public double MedianMs => SortedMs[SortedMs.Count / 2];

    public double MinMs => SortedMs[0];
}

/// <summary>
/// The benchmarks' one timer: warm-up calls untimed, then R timed calls; their median is sorted[R / 2].
/// Also the process's peak resident memory, which the benchmarks print after their timings.
/// </summary>
public static class MedianTimer
{
    /// <summary>
    /// Calls <paramref name="call"/> with indices 0 .. warmup-1 untimed, then warmup .. warmup+repeats-1 timed.
    /// <paramref name="timeMs"/> runs one call and returns its duration in ms (default: the wall clock).
    /// </summary>
    public static Timing Measure(Action<int> call, int warmup, int repeats, Func<Action, double>? timeMs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        timeMs ??= WallClockMs;
        for (int i = 0; i < warmup; i++) call(i);
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            int index = warmup + i;
            times[i] = timeMs(() => call(index));
        }
        Array.Sort(times);
        return new Timing(times);
    }

    /// <summary>Peak resident memory of this process so far (VmHWM of /proc/self/status), in MiB; null where /proc is not there.</summary>
    public static double? PeakResidentMiB()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static double WallClockMs(Action call)
    {
        long t0 = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
