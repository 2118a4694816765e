using OnnxTrainer.Runtime;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.Training.Bench;

namespace OnnxTrainer.Training.Transfer;

/// <summary>
/// The chapter's three transfer workloads on VGG16 (issue targets: batch 20 at 150x150): the base's forward pass
/// (feature extraction, listing 5.17), the train step with the base frozen (listing 5.21) and with block5 trainable
/// (listing 5.23). Random weights and data: throughput does not depend on values.
/// </summary>
public static class TransferBenchmark
{
    public static readonly string[] Workloads = ["forward", "frozen", "fine-tune"];

    public static StepTiming Run(string workload, long[] input, int batch, int repeats, ExecutionDevice device = ExecutionDevice.Cpu, int threads = 0,
        string trainableFrom = "block5_conv1")
    {
        var headed = Zoo.Build("vgg16-base", new ZooOptions { Head = "dense256", InputShape = input, Classes = 1 });
        return workload switch
        {
            "forward" => Forward(Zoo.Build("vgg16-base", new ZooOptions { InputShape = input }), batch, repeats, device, threads),
            "frozen" => Named(TrainStepBenchmark.Run(headed.FreezeBase(), batch, warmup: 2, repeats, device, threads), "train-step vgg16-base+dense256 --freeze-base"),
            "fine-tune" => Named(TrainStepBenchmark.Run(headed.TrainableFrom(trainableFrom), batch, warmup: 2, repeats, device, threads),
                $"train-step vgg16-base+dense256 --trainable-from {trainableFrom}"),
            _ => throw new ArgumentException($"Unknown workload '{workload}'; expected one of: {string.Join(", ", Workloads)}."),
        };
    }

    /// <summary>Median time of the inference forward pass (what FeatureCache runs per batch).</summary>
    public static StepTiming Forward(Model model, int batch, int repeats, ExecutionDevice device = ExecutionDevice.Cpu, int threads = 0, int warmup = 2)
    {
        var graph = ForwardGraph.Build(model, Weights.Initialize(model, seed: 1), training: false).Graph;
        using var options = ExecutionDevices.CreateSessionOptions(device, threads);
        using var session = new InferenceSession(OnnxModel.ToBytes(graph), options);
        var (h, w, c) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        var input = new float[batch * c * h * w];
        var rng = new SeededRandom(7);
        for (int i = 0; i < input.Length; i++) input[i] = rng.NextFloat() * 255f;
        var outDims = graph.TypeOf(ForwardGraph.OutputName).Dims;
        var output = new float[batch * outDims[1..].Aggregate(1L, (a, d) => a * d)];
        using var x = OrtValue.CreateTensorValueFromMemory(input, [batch, c, h, w]);
        using var y = OrtValue.CreateTensorValueFromMemory(output, [batch, .. outDims[1..]]);
        using var run = new RunOptions();
        var times = new double[repeats];
        for (int i = -warmup; i < repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            session.Run(run, [ForwardGraph.InputName], [x], [ForwardGraph.OutputName], [y]);
            if (i >= 0) times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        return new StepTiming($"forward {model.Name} {h}x{w}", batch, repeats, times[repeats / 2], times[0]);
    }

    /// <summary>Peak resident memory of this process so far (VmHWM), in MiB; null where /proc is not there.</summary>
    public static double? PeakResidentMiB()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    private static StepTiming Named(StepTiming t, string what) => t with { What = what };
}
