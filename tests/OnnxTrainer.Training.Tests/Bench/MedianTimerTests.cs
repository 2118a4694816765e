using OnnxTrainer.Training.Bench;

namespace OnnxTrainer.Training.Tests.Bench;

public class MedianTimerTests
{
    /// <summary>Runs the timer with durations handed out in order to the timed calls, recording which indices ran and which were timed.</summary>
    private static (Timing Timing, List<int> Called, List<int> Timed) Measure(int warmup, double[] durations)
    {
        var called = new List<int>();
        var timed = new List<int>();
        int next = 0;
        var timing = MedianTimer.Measure(called.Add, warmup, durations.Length, call =>
        {
            call();
            timed.Add(called[^1]);
            return durations[next++];
        });
        return (timing, called, timed);
    }

    [Fact]
    public void Odd_count_median_is_the_middle_value_and_warm_up_calls_are_not_timed()
    {
        var (t, called, timed) = Measure(warmup: 2, [7.0, 3.0, 9.0, 1.0, 5.0]);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], called);
        Assert.Equal([2, 3, 4, 5, 6], timed);
        Assert.Equal([1.0, 3.0, 5.0, 7.0, 9.0], t.SortedMs);
        Assert.Equal(5.0, t.MedianMs);
        Assert.Equal(1.0, t.MinMs);
        Assert.Equal(5, t.Repeats);
    }

    [Fact]
    public void Even_count_median_is_the_upper_middle_value_sorted_at_R_over_2()
    {
        var (t, called, timed) = Measure(warmup: 3, [4.5, 1.25, 3.0, 2.0]);
        Assert.Equal(7, called.Count);
        Assert.Equal([3, 4, 5, 6], timed);
        Assert.Equal(3.0, t.MedianMs);
        Assert.Equal(1.25, t.MinMs);
    }

    [Fact]
    public void One_timed_call_without_warm_up_is_its_own_median()
    {
        var (t, called, _) = Measure(warmup: 0, [2.5]);
        Assert.Equal([0], called);
        Assert.Equal(2.5, t.MedianMs);
        Assert.Equal(2.5, t.MinMs);
    }

    [Fact]
    public void Zero_repeats_or_negative_warm_up_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MedianTimer.Measure(_ => { }, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MedianTimer.Measure(_ => { }, -1, 3));
    }

    [Fact]
    public void Peak_resident_memory_is_this_process_VmHWM_in_MiB()
    {
        if (!File.Exists("/proc/self/status")) return; // only Linux has /proc; elsewhere the timer reports null
        double before = MedianTimer.PeakResidentMiB()!.Value;
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        double kib = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        double after = MedianTimer.PeakResidentMiB()!.Value;
        // VmHWM only grows: the value read between two calls lies between them.
        Assert.InRange(kib / 1024, before, after);
        Assert.True(before > 1, $"a .NET process has more than 1 MiB resident; got {before}");
    }
}
