using OnnxTrainer.Onnx;
using OnnxTrainer.Data.Augmentation;
using OnnxTrainer.Data.Folders;
using OnnxTrainer.Data.Pipeline;
using OnnxTrainer.Data.Tests.Folders;

namespace OnnxTrainer.Data.Tests.Pipeline;

public sealed class BatchPipelineTests
{
    private static TempDirectory Folder(int perClass)
    {
        var dir = new TempDirectory();
        foreach (var cls in new[] { "cats", "dogs" })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, cls));
            for (int i = 0; i < perClass; i++)
                TestImages.Png(Path.Combine(dir.Path, cls, $"{i:D3}.png"), TestImages.Pattern(10, 14, seed: i + (cls == "dogs" ? 50 : 0)), 10, 14);
        }
        return dir;
    }

    private static IEnumerable<BatchRequest> Requests(BatchIterator order, int epochs) =>
        Enumerable.Range(0, epochs).SelectMany(e => order.Epoch(e)).Select(b => new BatchRequest(b.Indices, 1000L * b.Epoch + b.Step));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void DeliversInRequestOrderExactlyWhatFillImagesGives(int prefetch)
    {
        using var dir = Folder(6);
        var source = new AugmentedSource(FolderSource.Open(dir.Path, new FolderOptions { TargetSize = (8, 8), CacheLimitBytes = 0 }), AugmentOptions.Listing514);
        var order = new BatchIterator(source.Count, batchSize: 5, seed: 3);
        var expected = Requests(order, 2).Select(r =>
        {
            var dst = new float[r.Indices.Length * 3 * 64];
            source.FillImages(r.Indices.Span, dst, r.AugmentSeed);
            return dst;
        }).ToList();

        using var pipeline = new BatchPipeline(source, Requests(order, 2), maxBatch: 5, prefetch);
        int position = 0;
        foreach (var batch in pipeline.Batches())
        {
            Assert.Equal(position, batch.Position);
            Assert.Equal(expected[position], batch.Images.AsSpan(0, batch.Count * 3 * 64).ToArray());
            position++;
        }
        Assert.Equal(expected.Count, position);
        Assert.Equal(6, position); // 12 images in batches of 5: 3 per epoch, 2 epochs
    }

    [Fact]
    public void AnUnreadableFileFailsTheConsumerAtItsBatchAfterTheEarlierBatches()
    {
        using var dir = Folder(3);
        var source = FolderSource.Open(dir.Path, new FolderOptions { TargetSize = (8, 8), CacheLimitBytes = 0 });
        string bad = source.Files[4];
        File.WriteAllText(bad, "no longer an image");
        int[][] batches = [[0, 1], [2, 3], [4, 5], [0, 1]];
        using var pipeline = new BatchPipeline(source, batches.Select(b => new BatchRequest(b, null)), maxBatch: 2, prefetch: 2);
        var seen = new List<int>();
        var ex = Assert.Throws<ImageFileException>(() =>
        {
            foreach (var b in pipeline.Batches()) seen.Add(b.Position);
        });
        Assert.Equal(bad, ex.Path);
        Assert.Equal([0, 1], seen);
    }

    [Fact]
    public void DisposingWhileTheProducerWaitsStopsIt()
    {
        var data = new DatasetSource(new ImageDataset(new byte[4 * 4], 1, 2, 2, [0, 1, 0, 1], ["a", "b"]));
        IEnumerable<BatchRequest> Endless()
        {
            while (true) yield return new BatchRequest(new[] { 0, 1 }, null);
        }
        var pipeline = new BatchPipeline(data, Endless(), maxBatch: 2, prefetch: 2);
        Assert.Equal(3, pipeline.Batches().Take(3).Count());
        pipeline.Dispose(); // returns: the producer, blocked on a full queue, is cancelled
    }

    [Fact]
    public void WorkersRethrowTheLowestFailingItemsErrorUnwrapped()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Workers.For(50, 4, i =>
        {
            if (i % 10 == 7) throw new InvalidOperationException($"item {i}");
        }));
        Assert.Equal("item 7", ex.Message);
        var sum = new int[100];
        Workers.For(100, 3, i => sum[i] = i);
        Assert.Equal(4950, sum.Sum());
    }
}
