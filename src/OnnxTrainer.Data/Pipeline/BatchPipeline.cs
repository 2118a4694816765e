using OnnxTrainer.Onnx;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace OnnxTrainer.Data.Pipeline;

/// <summary>One batch to prepare: which examples, and the augmentation seed (null: not augmented).</summary>
public sealed record BatchRequest(ReadOnlyMemory<int> Indices, long? AugmentSeed);

/// <summary>A prepared batch: NCHW raw pixels of <see cref="Count"/> examples in <see cref="Images"/> (a pooled buffer, possibly longer).</summary>
public sealed record PreparedBatch(int Position, BatchRequest Request, float[] Images, int Count);

/// <summary>
/// The input pipeline: a producer thread fills batches ahead of the consumer, in request order, each batch decoded,
/// resized and augmented by the source on all cores; at most <c>prefetch</c> batches wait ready while the consumer
/// works on one (bounded memory: prefetch + 2 buffers). The batches are exactly what
/// <see cref="IExampleSource.FillImages"/> gives for each request, so a seed gives the same batches whatever the timing.
/// A failure (an unreadable file, say) is rethrown on the consumer's thread when it reaches that batch. A batch's
/// buffer is reused once the consumer moves past it.
/// </summary>
public sealed class BatchPipeline : IDisposable
{
    private readonly IExampleSource _source;
    private readonly BlockingCollection<float[]> _free;
    private readonly BlockingCollection<(PreparedBatch? Batch, ExceptionDispatchInfo? Error)> _ready;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _producer;
    private readonly int _per;

    public BatchPipeline(IExampleSource source, IEnumerable<BatchRequest> requests, int maxBatch, int prefetch = 2)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prefetch);
        _source = source;
        _per = (int)Shapes.Product(source.ExampleShape);
        Prefetch = prefetch;
        _free = new BlockingCollection<float[]>();
        for (int i = 0; i < prefetch + 2; i++) _free.Add(new float[maxBatch * _per]);
        _ready = new BlockingCollection<(PreparedBatch?, ExceptionDispatchInfo?)>(prefetch);
        _producer = new Thread(() => Produce(requests, maxBatch)) { IsBackground = true, Name = "batch-pipeline" };
        _producer.Start();
    }

    public int Prefetch { get; }

    /// <summary>The prepared batches in request order. Each batch's buffer stays valid until the next one is taken.</summary>
    public IEnumerable<PreparedBatch> Batches()
    {
        PreparedBatch? previous = null;
        foreach (var (batch, error) in _ready.GetConsumingEnumerable())
        {
            if (previous is not null) _free.Add(previous.Images);
            error?.Throw();
            previous = batch!;
            yield return batch!;
        }
        if (previous is not null && !_free.IsAddingCompleted) _free.Add(previous.Images);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _free.CompleteAdding();
        while (_ready.TryTake(out _)) { }
        _producer.Join();
        _ready.Dispose();
        _free.Dispose();
        _stop.Dispose();
    }

    private void Produce(IEnumerable<BatchRequest> requests, int maxBatch)
    {
        int position = 0;
        try
        {
            foreach (var request in requests)
            {
                int n = request.Indices.Length;
                if (n > maxBatch) throw new ArgumentException($"Batch {position} has {n} examples; the pipeline was made for at most {maxBatch}.");
                var buffer = _free.Take(_stop.Token);
                _source.FillImages(request.Indices.Span, buffer.AsSpan(0, n * _per), request.AugmentSeed);
                _ready.Add((new PreparedBatch(position++, request, buffer, n), null), _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            try
            {
                _ready.Add((null, ExceptionDispatchInfo.Capture(e)), _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        finally
        {
            _ready.CompleteAdding();
        }
    }
}
