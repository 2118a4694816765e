using System.Runtime.ExceptionServices;

namespace OnnxTrainer.Data.Pipeline;

/// <summary>
/// Runs one job per item on up to <c>workers</c> threads (0: one per core). A failure is rethrown on the calling thread
/// as itself (never wrapped in an AggregateException); when several items fail, the lowest item's error is the one
/// thrown, so the error does not depend on thread timing.
/// </summary>
public static class Workers
{
    /// <summary><paramref name="workers"/>, or the number of cores when it is 0.</summary>
    public static int Resolve(int workers) => workers > 0 ? workers : Environment.ProcessorCount;

    /// <summary>Runs <paramref name="body"/>(i) for i in [0, <paramref name="count"/>) on up to <paramref name="workers"/> threads (0: one per core).</summary>
    public static void For(int count, int workers, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int threads = Math.Min(count, Resolve(workers));
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Exception? first = null;
        int firstIndex = int.MaxValue;
        var gate = new object();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                lock (gate)
                    if (i < firstIndex)
                    {
                        first = e;
                        firstIndex = i;
                    }
            }
        });
        if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
    }
}
