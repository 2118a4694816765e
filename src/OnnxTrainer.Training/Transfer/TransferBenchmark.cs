using OnnxTrainer.Runtime;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
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

    /// <summary>
    /// The same three workloads on the ImageNet ResNet18 file (tools/get-resnet18.sh): its forward pass to the last block,
    /// the gap-dense head's step on the frozen base, and the step with the last stage trainable (from
    /// <see cref="ResNet18Demo.LastStage"/>, batch normalization in inference mode).
    /// </summary>
    public static StepTiming RunResNet18(string resnet18, string workload, long[] input, int batch, int repeats, ExecutionDevice device = ExecutionDevice.Cpu,
        int threads = 0)
    {
        var recipe = new ModelRecipe { Model = resnet18, Cut = ResNet18Demo.Cut, Head = "gap-dense", InputShape = input, Preprocessing = "caffe", Classes = 1 };
        string size = $"{input[0]}x{input[1]}";
        return workload switch
        {
            "forward" => Named(Forward(Networks.NetworkFactory.Build(recipe with { Head = null, Classes = null }, seed: 1), batch, repeats, device, threads),
                $"forward ResNet18 to {ResNet18Demo.Cut} {size}"),
            "frozen" => Named(TrainStepBenchmark.Run(Networks.NetworkFactory.Build(recipe with { FreezeBase = true }, seed: 1), batch, warmup: 2, repeats, device, threads),
                $"train-step ResNet18+gap-dense --freeze-base {size}"),
            "fine-tune" => Named(TrainStepBenchmark.Run(Networks.NetworkFactory.Build(recipe with { TrainableFrom = ResNet18Demo.LastStage }, seed: 1), batch, warmup: 2, repeats,
                device, threads), $"train-step ResNet18+gap-dense --trainable-from {ResNet18Demo.LastStage} {size}"),
            _ => throw new ArgumentException($"Unknown workload '{workload}'; expected one of: {string.Join(", ", Workloads)}."),
        };
    }

    public static StepTiming Run(string workload, long[] input, int batch, int repeats, ExecutionDevice device = ExecutionDevice.Cpu, int threads = 0,
        string trainableFrom = "block5_conv1")
    {
        var headed = ZooNetwork.Initialize(Zoo.Build("vgg16-base", new ZooOptions { Head = "dense256", InputShape = input, Classes = 1 }), seed: 1);
        return workload switch
        {
            "forward" => Forward(ZooNetwork.Initialize(Zoo.Build("vgg16-base", new ZooOptions { InputShape = input }), seed: 1), batch, repeats, device, threads),
            "frozen" => Named(TrainStepBenchmark.Run(headed.FreezeBase(), batch, warmup: 2, repeats, device, threads), "train-step vgg16-base+dense256 --freeze-base"),
            "fine-tune" => Named(TrainStepBenchmark.Run(headed.TrainableFrom(trainableFrom), batch, warmup: 2, repeats, device, threads),
                $"train-step vgg16-base+dense256 --trainable-from {trainableFrom}"),
            _ => throw new ArgumentException($"Unknown workload '{workload}'; expected one of: {string.Join(", ", Workloads)}."),
        };
    }

    /// <summary>Median time of the inference forward pass (what FeatureCache runs per batch).</summary>
    public static StepTiming Forward(Network model, int batch, int repeats, ExecutionDevice device = ExecutionDevice.Cpu, int threads = 0, int warmup = 2)
    {
        var graph = model.Graph.Clone();
        Autodiff.Passes.StripForInference.Apply(graph, model.Masks.Select(m => m.Input));
        using var options = ExecutionDevices.CreateSessionOptions(device, threads);
        using var session = new InferenceSession(OnnxModel.ToBytes(graph), options);
        var (c, h, w) = (model.Input.ExampleDims[0], model.Input.ExampleDims[1], model.Input.ExampleDims[2]);
        var input = new float[batch * c * h * w];
        var rng = new SeededRandom(7);
        for (int i = 0; i < input.Length; i++) input[i] = rng.NextFloat() * 255f;
        var outDims = graph.TypeOf(model.Output).Dims;
        var output = new float[batch * Shapes.Product(outDims.AsSpan(1))];
        using var x = OrtValue.CreateTensorValueFromMemory(input, [batch, c, h, w]);
        using var y = OrtValue.CreateTensorValueFromMemory(output, [batch, .. outDims[1..]]);
        using var run = new RunOptions();
        var timing = MedianTimer.Measure(_ => session.Run(run, [model.Input.Name], [x], [model.Output], [y]), warmup, repeats);
        return new StepTiming($"forward {model.Name} {h}x{w}", batch, repeats, timing.MedianMs, timing.MinMs);
    }

    private static StepTiming Named(StepTiming t, string what) => t with { What = what };
}
