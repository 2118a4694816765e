using OnnxTrainer.Onnx;

namespace OnnxTrainer.Data;

/// <summary>One batch: the example indices of training step <see cref="Step"/> of <see cref="Epoch"/>.</summary>
public readonly record struct Batch(int Epoch, int Step, long Pass, ReadOnlyMemory<int> Indices)
{
    public int Size => Indices.Length;
}

/// <summary>
/// Which examples each training step sees, as a pure function of (seed, epoch, step), so a run resumed at any
/// (epoch, step) sees exactly the batches an uninterrupted run would.
/// <para>
/// Like Keras: the batches form a stream of passes over the data; pass p visits the examples in
/// <see cref="Order"/>(p) (shuffled by <c>SeededRandom.For(seed, $"shuffle/{p}")</c>, or 0..N-1 in order), cut into
/// batches of <see cref="BatchSize"/> with the last, partial batch kept. An epoch is the next
/// <see cref="StepsPerEpoch"/> batches of that stream. By default an epoch is exactly one pass (epoch e is pass e);
/// with an explicit steps-per-epoch, epochs run across pass boundaries as a Keras generator does
/// (<c>fit(generator, steps_per_epoch=...)</c>), each new pass freshly shuffled.
/// </para>
/// </summary>
public sealed class BatchIterator
{
    public BatchIterator(int exampleCount, int batchSize, long seed, bool shuffle = true, int? stepsPerEpoch = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (stepsPerEpoch is <= 0)
            throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, "Steps per epoch must be positive.");
        ExampleCount = exampleCount;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        BatchesPerPass = (int)((exampleCount + (long)batchSize - 1) / batchSize);
        StepsPerEpoch = stepsPerEpoch ?? BatchesPerPass;
    }

    public int ExampleCount { get; }
    public int BatchSize { get; }
    public long Seed { get; }
    public bool Shuffle { get; }

    /// <summary>Batches in one pass over the data: ceil(ExampleCount / BatchSize).</summary>
    public int BatchesPerPass { get; }

    public int StepsPerEpoch { get; }

    /// <summary>The order in which pass <paramref name="pass"/> visits the examples.</summary>
    public int[] Order(long pass)
    {
        var order = new int[ExampleCount];
        Order(pass, order);
        return order;
    }

    /// <summary>Writes the order of pass <paramref name="pass"/> into <paramref name="destination"/> (length ExampleCount).</summary>
    public void Order(long pass, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pass);
        if (destination.Length != ExampleCount)
            throw new ArgumentException($"The order buffer holds {destination.Length} values; there are {ExampleCount} examples.", nameof(destination));
        for (int i = 0; i < destination.Length; i++) destination[i] = i;
        if (Shuffle)
            SeededRandom.For(Seed, $"shuffle/{pass}").Shuffle(destination);
    }

    /// <summary>
    /// The batches of <paramref name="epoch"/> from <paramref name="startStep"/> on (to resume a run mid-epoch).
    /// Each pass's order is computed once; the batches' index memory stays valid after enumeration moves on.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int startStep = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        if (startStep > StepsPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(startStep), startStep, $"An epoch has {StepsPerEpoch} steps.");
        return Iterate(epoch, startStep);
    }

    private IEnumerable<Batch> Iterate(int epoch, int startStep)
    {
        long currentPass = -1;
        int[] order = [];
        for (int step = startStep; step < StepsPerEpoch; step++)
        {
            var (pass, batchInPass) = Locate(epoch, step);
            if (pass != currentPass)
            {
                order = Order(pass);
                currentPass = pass;
            }
            int start = batchInPass * BatchSize;
            yield return new Batch(epoch, step, pass, order.AsMemory(start, Math.Min(BatchSize, ExampleCount - start)));
        }
    }

    /// <summary>One batch by position (computes that pass's order; for random access rather than loops).</summary>
    public Batch BatchAt(int epoch, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, StepsPerEpoch);
        var (pass, batchInPass) = Locate(epoch, step);
        int start = batchInPass * BatchSize;
        return new Batch(epoch, step, pass, Order(pass).AsMemory(start, Math.Min(BatchSize, ExampleCount - start)));
    }

    /// <summary>Which pass, and which batch of it, a step falls in: global step = epoch * StepsPerEpoch + step.</summary>
    public (long Pass, int BatchInPass) Locate(int epoch, int step)
    {
        long global = (long)epoch * StepsPerEpoch + step;
        return (global / BatchesPerPass, (int)(global % BatchesPerPass));
    }
}
