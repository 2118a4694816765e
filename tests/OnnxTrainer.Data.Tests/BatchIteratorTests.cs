using OnnxTrainer.Onnx;
using OnnxTrainer.Data;

namespace OnnxTrainer.Data.Tests;

public sealed class BatchIteratorTests
{
    private static int[][] Indices(IEnumerable<Batch> batches) => batches.Select(b => b.Indices.ToArray()).ToArray();

    [Fact]
    public void UnshuffledBatchesAreInOrderWithTheLastPartialBatchKept()
    {
        var it = new BatchIterator(exampleCount: 10, batchSize: 4, seed: 1, shuffle: false);
        Assert.Equal(3, it.StepsPerEpoch);
        var batches = it.Epoch(0).ToList();
        Assert.Equal(new[] { 0, 1, 2, 3 }, batches[0].Indices.ToArray());
        Assert.Equal(new[] { 4, 5, 6, 7 }, batches[1].Indices.ToArray());
        Assert.Equal(new[] { 8, 9 }, batches[2].Indices.ToArray());
        Assert.Equal(new[] { 0, 1, 2 }, batches.Select(b => b.Step));
        Assert.Equal(Indices(it.Epoch(0)), Indices(it.Epoch(5)));
    }

    [Fact]
    public void ShuffleUsesTheSeededStreamForEachEpoch()
    {
        var it = new BatchIterator(100, 32, seed: 42);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var expected = Enumerable.Range(0, 100).ToArray();
            SeededRandom.For(42, $"shuffle/{epoch}").Shuffle(expected.AsSpan());
            Assert.Equal(expected, it.Order(epoch));
            Assert.Equal(expected, it.Epoch(epoch).SelectMany(b => b.Indices.ToArray()));
        }
    }

    [Fact]
    public void OrderIsDeterministicPerSeedAndDiffersBetweenEpochsAndSeeds()
    {
        var a = new BatchIterator(1000, 64, seed: 7);
        var b = new BatchIterator(1000, 64, seed: 7);
        var c = new BatchIterator(1000, 64, seed: 8);

        Assert.Equal(a.Order(0), b.Order(0));
        Assert.Equal(Indices(a.Epoch(3)), Indices(b.Epoch(3)));
        Assert.NotEqual(a.Order(0), a.Order(1));
        Assert.NotEqual(a.Order(0), c.Order(0));
        Assert.NotEqual(Enumerable.Range(0, 1000), a.Order(0));
        Assert.Equal(Enumerable.Range(0, 1000), a.Order(0).Order()); // a permutation
    }

    [Fact]
    public void ResumingMidEpochGivesTheSameBatchesAsAnUninterruptedRun()
    {
        var it = new BatchIterator(103, 10, seed: 5);
        var uninterrupted = Enumerable.Range(0, 3).SelectMany(e => it.Epoch(e)).Select(b => (b.Epoch, b.Step, string.Join(",", b.Indices.ToArray()))).ToList();

        // A run that stopped after epoch 1, step 6 starts again from a fresh iterator.
        var resumedIt = new BatchIterator(103, 10, seed: 5);
        var resumed = resumedIt.Epoch(1, startStep: 7).Concat(resumedIt.Epoch(2)).Select(b => (b.Epoch, b.Step, string.Join(",", b.Indices.ToArray()))).ToList();

        int from = uninterrupted.FindIndex(x => x.Epoch == 1 && x.Step == 7);
        Assert.Equal(uninterrupted.Skip(from), resumed);
        Assert.Equal(it.Epoch(2).ElementAt(4).Indices.ToArray(), it.BatchAt(2, 4).Indices.ToArray());
    }

    [Fact]
    public void StepsPerEpochContinuesTheStreamAcrossPassesLikeAKerasGenerator()
    {
        // 10 examples in batches of 4: passes are [4, 4, 2]. Five steps per epoch cross pass boundaries.
        var it = new BatchIterator(10, 4, seed: 3, stepsPerEpoch: 5);
        var epoch0 = it.Epoch(0).ToList();
        var epoch1 = it.Epoch(1).ToList();

        Assert.Equal(new[] { 4, 4, 2, 4, 4 }, epoch0.Select(b => b.Size));
        Assert.Equal(new long[] { 0, 0, 0, 1, 1 }, epoch0.Select(b => b.Pass));
        Assert.Equal(new[] { 2, 4, 4, 2, 4 }, epoch1.Select(b => b.Size));
        Assert.Equal(new long[] { 1, 2, 2, 2, 3 }, epoch1.Select(b => b.Pass));

        var pass1 = epoch0.Skip(3).Concat(epoch1.Take(1)).SelectMany(b => b.Indices.ToArray()).ToArray();
        Assert.Equal(it.Order(1), pass1);
        Assert.Equal(Enumerable.Range(0, 10), pass1.Order());

        // Fewer steps than a pass: the next epoch continues where the last stopped, so all data is seen.
        var short_ = new BatchIterator(10, 4, seed: 3, stepsPerEpoch: 2);
        var seen = short_.Epoch(0).Concat(short_.Epoch(1).Take(1)).SelectMany(b => b.Indices.ToArray());
        Assert.Equal(short_.Order(0), seen);
    }

    [Fact]
    public void BatchIndicesStayValidAfterEnumerationMovesOn()
    {
        var it = new BatchIterator(6, 2, seed: 9, stepsPerEpoch: 9);
        var kept = it.Epoch(0).ToList();
        Assert.Equal(it.Order(0)[..2], kept[0].Indices.ToArray());
        Assert.Equal(it.Order(2)[4..], kept[8].Indices.ToArray());
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchIterator(0, 4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchIterator(4, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchIterator(4, 2, 1, stepsPerEpoch: 0));
        var it = new BatchIterator(4, 2, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => it.Epoch(0, startStep: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => it.BatchAt(0, 2));
    }
}
