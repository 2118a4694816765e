using OnnxTrainer.Runtime;
using OnnxTrainer.Onnx;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Training.Runtime;

namespace OnnxTrainer.Training.Bench;

/// <summary>Timing of repeated steps: median milliseconds per step and images per second.</summary>
public sealed record StepTiming(string What, int Batch, int Repeats, double MedianMs, double MinMs)
{
    public double ImagesPerSecond => Batch * 1000.0 / MedianMs;

    public override string ToString() =>
        FormattableString.Invariant($"{What}: batch {Batch}, median {MedianMs:0.0} ms/step (min {MinMs:0.0}) over {Repeats} steps = {ImagesPerSecond:0.0} images/s");
}

/// <summary>Throughput of one model's train step (forward, loss, backward, update in one ONNX Runtime call) on random data.</summary>
public static class TrainStepBenchmark
{
    public static StepTiming Run(Network model, int batch, int warmup = 3, int repeats = 20, ExecutionDevice device = ExecutionDevice.Cpu, int threads = 0,
        string optimizer = "rmsprop", long? maxMemory = null)
    {
        using var session = Open(model, batch, device, threads, optimizer, maxMemory);
        var timing = MedianTimer.Measure(i => session.Train(batch, 1e-4f, i + 1), warmup, repeats);
        return new StepTiming($"train-step {model.Name}", batch, repeats, timing.MedianMs, timing.MinMs);
    }

    /// <summary>
    /// A step session of <paramref name="model"/> (its current weights) with a seeded random batch of
    /// <paramref name="batch"/> examples filled in: inputs in [0, 1), one-hot or binary targets, inverted-dropout masks of rate 0.5.
    /// </summary>
    public static StepSession Open(Network model, int batch, ExecutionDevice device, int threads = 0, string optimizer = "rmsprop", long? maxMemory = null)
    {
        var loss = Targets.DefaultLoss(model);
        var step = TrainStepGraph.Build(model, loss, Optimizer.Create(optimizer, new OptimizerOptions()));
        var eval = EvalStepGraph.For(step);
        Memory.MemoryBudget.CheckStep($"The train step of {model.Name}", batch, maxMemory, step.Graph, eval.Graph);
        var session = new StepSession(step, eval, step.InitialCarried(), batch, device, threads);
        var rng = new SeededRandom(7);
        for (int i = 0; i < session.Input.Length; i++) session.Input[i] = rng.NextFloat();
        if (session.TargetFloats is { } t)
        {
            int k = session.TargetWidth;
            for (int i = 0; i < batch; i++) t[i * k + (k == 1 ? 0 : rng.NextInt(k))] = k == 1 ? rng.NextInt(2) : 1f;
        }
        foreach (var mask in session.Masks)
            for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() < 0.5f ? 0f : 2f;
        return session;
    }
}
