using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.Training.Bench;
using OnnxTrainer.Training.Runtime;

namespace OnnxTrainer.Training.Transfer;

/// <summary>
/// The chapter's three transfer workloads on VGG16 (issue targets: batch 20 at 150x150): the base's forward pass
/// (feature extraction, listing 5.17), the train step with the base frozen (listing 5.21) and with block5 trainable
/// (listing 5.23). Random weights and data: throughput does not depend on values.
/// </summary>
public static class TransferBenchmark
{
    public static readonly string[] Workloads = ["forward", "frozen", "fine-tune"];

    public static StepTiming Run(string workload, long[] input, int batch, int repeats, DeviceKind device = DeviceKind.Cpu, int threads = 0,
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
    public static StepTiming Forward(Model model, int batch, int repeats, DeviceKind device = DeviceKind.Cpu, int threads = 0, int warmup = 2)
    {
        var graph = ForwardGraph.Build(model, Weights.Initialize(model, seed: 1), training: false).Graph;
        using var options = Device.Options(device, threads);
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
        var timing = MedianTimer.Measure(_ => session.Run(run, [ForwardGraph.InputName], [x], [ForwardGraph.OutputName], [y]), warmup, repeats);
        return new StepTiming($"forward {model.Name} {h}x{w}", batch, repeats, timing.MedianMs, timing.MinMs);
    }

    private static StepTiming Named(StepTiming t, string what) => t with { What = what };
}
