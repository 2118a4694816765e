using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Data;
using OnnxTrainer.Data.Pipeline;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Training.Checkpoints;
using OnnxTrainer.Training.Runtime;

namespace OnnxTrainer.Training.Fitting;

/// <summary>
/// model.fit and model.evaluate on ONNX Runtime: builds the train and eval step graphs once, keeps the parameters
/// inside ONNX Runtime between steps, and draws batches in a seeded order so that the same seed and data give
/// bit-identical weights, also across a resume.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly Network _network;
    private readonly LossKind _loss;
    private readonly FitOptions _options;
    private readonly TextWriter _log;
    private readonly StepSession _session;
    private readonly TrainStepGraph _step;
    private readonly int _classes;

    public Trainer(Network network, LossKind loss, Optimizer optimizer, FitOptions options, TextWriter log)
    {
        options.Validate();
        _network = network;
        _loss = loss;
        _options = options;
        _log = log;
        _classes = (int)network.Units;
        _step = TrainStepGraph.Build(network, loss, optimizer);
        var eval = EvalStepGraph.For(_step);
        _session = new StepSession(_step, eval, _step.InitialCarried(), options.BatchSize, options.Device, options.Threads);
    }

    /// <summary>The network as it is now: its weights replaced by the trained ones.</summary>
    public Network Network => _network.WithWeights(CurrentWeights());

    public TrainStepGraph StepGraph => _step;

    public History History { get; private set; } = new();

    /// <summary>Global step count (updates applied so far).</summary>
    public long Step { get; private set; }

    /// <summary>Epochs completed so far.</summary>
    public int Epoch { get; private set; }

    /// <summary>All model weights as they are now (frozen ones unchanged).</summary>
    public Weights CurrentWeights()
    {
        var carried = _session.ReadCarried();
        var initial = _network.CurrentWeights();
        var w = new Weights();
        foreach (var p in _network.Parameters) w.Set(carried.TryGetValue(p.Name, out var t) ? t : initial[p.Name]);
        return w;
    }

    /// <summary>The resumable state: every weight, the optimizer slots, epochs, steps and history.</summary>
    public Checkpoint Checkpoint(string run)
    {
        var carried = _session.ReadCarried();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var w in CurrentWeights().All) tensors[w.Name] = w;
        foreach (var s in _step.Slots) tensors[s.Value] = carried[s.Value];
        return new Checkpoint(tensors, Epoch, Step, History, run);
    }

    /// <summary>Continues from <paramref name="checkpoint"/>: its weights, slots, step, epoch and history.</summary>
    public void Restore(Checkpoint checkpoint)
    {
        var missing = _step.Carried.Select(c => c.Value).Where(n => !checkpoint.Tensors.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"The checkpoint does not fit this run: it lacks {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")} (was it written with another model or optimizer?).");
        _session.LoadCarried(checkpoint.Tensors);
        Epoch = checkpoint.Epoch;
        Step = checkpoint.Step;
        History = checkpoint.History;
        History.Truncate(Epoch);
    }

    /// <summary>
    /// Trains until <see cref="FitOptions.Epochs"/> epochs are complete (continuing after a restore), validating after
    /// each epoch; writes the resumable checkpoint after every epoch and runs the callbacks.
    /// </summary>
    public History Fit(IExampleSource train, IExampleSource? validation, string run = "{}", ProgressBar? progress = null)
    {
        CheckSource(train, "training");
        if (validation is not null) CheckSource(validation, "validation");
        progress ??= new ProgressBar(_log, ProgressBar.IsTerminal);
        var batches = new BatchIterator(train.Count, _options.BatchSize, _options.Seed, _options.Shuffle, _options.StepsPerEpoch);
        int steps = batches.StepsPerEpoch;
        double? best = null;
        int sinceBest = 0;
        Weights? bestWeights = null;
        for (int epoch = Epoch; epoch < _options.Epochs; epoch++)
        {
            float lr = (float)_options.Schedule.At(_options.LearningRate, epoch, _options.Epochs);
            progress.StartEpoch(epoch + 1, _options.Epochs, steps);
            double lossSum = 0, accSum = 0;
            long seen = 0;
            // Batches are decoded and augmented ahead of the step that uses them (bounded prefetch, same bytes as in order).
            var epochBatches = batches.Epoch(epoch).ToList();
            long first = Step;
            using var pipeline = new BatchPipeline(train,
                epochBatches.Select((b, i) => new BatchRequest(b.Indices, _options.Augment ? Mix(_options.Seed, first + i) : null)), _options.BatchSize);
            using var prepared = pipeline.Batches().GetEnumerator();
            foreach (var b in epochBatches)
            {
                int s = b.Step, n = b.Size;
                prepared.MoveNext();
                prepared.Current.Images.AsSpan(0, prepared.Current.Count * ExampleSize(train)).CopyTo(_session.Input);
                FillTargets(train, b.Indices.Span);
                FillMasks(n, Step);
                var (loss, acc) = _session.Train(n, lr, Step + 1);
                if (!float.IsFinite(loss))
                    throw new TrainingDivergedException(
                        $"Loss became {loss} at epoch {epoch + 1}, step {s + 1}; stopped. " +
                        (_options.CheckpointPath is null ? "" : $"The last good checkpoint '{_options.CheckpointPath}' (after epoch {Epoch}) is kept. ") +
                        "Try a lower --lr.");
                Step++;
                lossSum += loss * n;
                accSum += acc * n;
                seen += n;
                progress.Update(s + 1, lossSum / seen, accSum / seen);
            }
            History.Add("loss", lossSum / seen);
            History.Add("acc", accSum / seen);
            var shown = new List<(string, double)> { ("loss", lossSum / seen), ("acc", accSum / seen) };
            if (validation is not null)
            {
                var (vl, va) = Evaluate(validation, _options.ValidationSteps);
                History.Add("val_loss", vl);
                History.Add("val_acc", va);
                shown.Add(("val_loss", vl));
                shown.Add(("val_acc", va));
            }
            History.Add("lr", lr);
            progress.EndEpoch(shown);
            Epoch = epoch + 1;
            if (_options.CheckpointPath is not null) Checkpoint(run).Save(_options.CheckpointPath);

            if (_options.ModelCheckpoint is { } mc)
            {
                double value = Monitored(mc.Monitor);
                if (!mc.SaveBestOnly || Monitor.Improves(mc.Monitor, value, BestSoFar(mc.Monitor)))
                {
                    Export.Exporter.Save(Network with { ClassNames = train.ClassNames }, mc.Path);
                    _log.WriteLine($"Epoch {epoch + 1}: {mc.Monitor} = {value:0.0000}, model saved to {mc.Path}");
                }
            }
            if (_options.EarlyStopping is { } es)
            {
                double value = Monitored(es.Monitor);
                if (Monitor.Improves(es.Monitor, value, best, es.MinDelta))
                {
                    best = value;
                    sinceBest = 0;
                    if (es.RestoreBestWeights) bestWeights = CurrentWeights();
                }
                else if (++sinceBest > es.Patience)
                {
                    _log.WriteLine($"Epoch {epoch + 1}: early stopping ({es.Monitor} did not improve for {sinceBest} epochs).");
                    if (bestWeights is not null) RestoreWeights(bestWeights);
                    break;
                }
            }
        }
        return History;
    }

    /// <summary>Mean loss and accuracy over <paramref name="data"/> in order (weighted by batch size), without dropout.</summary>
    public (double Loss, double Acc) Evaluate(IExampleSource data, int? steps = null)
    {
        CheckSource(data, "evaluation");
        int batch = _options.BatchSize;
        int total = steps is null ? data.Count : (int)Math.Min(data.Count, (long)steps.Value * batch);
        var indices = new int[batch];
        double lossSum = 0, accSum = 0;
        for (int start = 0; start < total; start += batch)
        {
            int n = Math.Min(batch, total - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            FillBatch(data, indices.AsSpan(0, n), null);
            var (loss, acc) = _session.Evaluate(n);
            lossSum += loss * n;
            accSum += acc * n;
        }
        return (lossSum / total, accSum / total);
    }

    public void Dispose() => _session.Dispose();

    private double Monitored(string key)
    {
        var values = History[key];
        if (values.Count == 0)
            throw new ArgumentException($"Cannot monitor '{key}': the history has {string.Join(", ", History.Values.Keys)} (val_* needs validation data).");
        return values[^1];
    }

    private double? BestSoFar(string key)
    {
        var values = History[key];
        if (values.Count <= 1) return null;
        var previous = values.Take(values.Count - 1);
        return Monitor.HigherIsBetter(key) ? previous.Max() : previous.Min();
    }

    private void RestoreWeights(Weights weights)
    {
        var current = _session.ReadCarried();
        foreach (var p in _step.Parameters.Concat(_step.States)) current[p.Value] = weights[p.Value];
        _session.LoadCarried(current);
    }

    private static int ExampleSize(IExampleSource data) => (int)Shapes.Product(data.ExampleShape);

    private void FillBatch(IExampleSource data, ReadOnlySpan<int> indices, long? augmentSeed)
    {
        data.FillImages(indices, _session.Input.AsSpan(0, indices.Length * ExampleSize(data)), augmentSeed);
        FillTargets(data, indices);
    }

    private void FillTargets(IExampleSource data, ReadOnlySpan<int> indices)
    {
        int n = indices.Length;
        var encoding = _classes == 1 || _loss == LossKind.BinaryCrossentropy ? TargetEncoding.Binary : TargetEncoding.OneHot;
        int classes = _classes == 1 ? 2 : _classes;
        int width = TargetEncoder.Width(encoding, classes);
        for (int i = 0; i < n; i++)
        {
            int label = data.Label(indices[i]);
            try
            {
                if (_session.TargetLabels is { } labels)
                {
                    TargetEncoder.CheckLabel(label, TargetEncoding.OneHot, classes);
                    labels[i] = label;
                }
                else TargetEncoder.Encode(label, encoding, classes, _session.TargetFloats.AsSpan(i * width, width));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Example {indices[i]} of model '{_network.Name}': {e.Message}", e);
            }
        }
    }

    // Inverted-dropout masks from their own stream per layer and global step: zeros, or 1/(1-rate).
    private void FillMasks(int n, long step)
    {
        for (int m = 0; m < _step.Masks.Count; m++)
        {
            var mask = _step.Masks[m];
            int per = (int)Shapes.Product(mask.Dims.AsSpan(1));
            var rng = SeededRandom.For(_options.Seed, $"dropout/{mask.Layer}/{step}");
            float keep = 1f / (1f - mask.Rate);
            var span = _session.Masks[m].AsSpan(0, n * per);
            for (int i = 0; i < span.Length; i++) span[i] = rng.NextFloat() >= mask.Rate ? keep : 0f;
        }
    }

    private void CheckSource(IExampleSource data, string what)
    {
        var expected = _network.Input.ExampleDims;
        if (!data.ExampleShape.SequenceEqual(expected))
            throw new ArgumentException(
                $"The {what} data has examples of shape {(expected.Length == 3 ? "(C,H,W) = " : "")}({string.Join(",", data.ExampleShape)}), but model '{_network.Name}' expects ({string.Join(",", expected)}).");
        if (data.Count == 0) throw new ArgumentException($"The {what} data is empty.");
    }

    private static long Mix(long seed, long step) => seed * 1_000_003 + step;
}
