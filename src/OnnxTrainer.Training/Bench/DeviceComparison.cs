using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Runtime;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Transfer;
using SkiaSharp;

namespace OnnxTrainer.Training.Bench;

/// <summary>What the device check runs (defaults: the full check of tools/gpu-check.sh).</summary>
public sealed record DeviceCheckPlan
{
    /// <summary>Zoo models whose inference forward pass is compared (default: all).</summary>
    public IReadOnlyList<string> ForwardModels { get; init; } = Zoo.Models.Select(m => m.Name).ToList();

    /// <summary>Input height and width of the VGG16 workloads (bases, frozen train step, Grad-CAM, transfer throughput); the chapter's 150.</summary>
    public int Size { get; init; } = 150;

    /// <summary>Timed steps per throughput measurement; 0 leaves the throughput out.</summary>
    public int ThroughputRepeats { get; init; } = 5;
}

/// <summary>
/// The same graphs, weights and data on a reference device and another one (CPU against CUDA in tools/gpu-check.sh):
/// forward outputs of the zoo models, one SGD train step of mnist-convnet and of VGG16 frozen + dense256 (loss and
/// every parameter update), a Grad-CAM explanation, and the bench workloads' throughput. One <see cref="DeviceCheck"/> per check.
/// </summary>
public static class DeviceComparison
{
    /// <summary>Forward outputs and Grad-CAM: relative difference below 1e-4.</summary>
    public const double ForwardTolerance = 1e-4;

    /// <summary>Train steps: loss and updates (learning rate x gradient) relative difference below 1e-3; gradients sum more terms than outputs.</summary>
    public const double StepTolerance = 1e-3;

    public static IEnumerable<DeviceCheck> Run(DeviceCheckPlan plan, ExecutionDevice reference, ExecutionDevice device)
    {
        foreach (var name in plan.ForwardModels) yield return Forward(name, plan.Size, batch: 2, reference, device);
        yield return TrainStep(ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), seed: 1), batch: 16, reference, device);
        yield return TrainStep(Vgg16Dense256(plan.Size).FreezeBase(), batch: 4, reference, device);
        yield return GradCam(plan.Size, reference, device);
        if (plan.ThroughputRepeats > 0)
            foreach (var check in Throughput(plan.Size, plan.ThroughputRepeats, reference, device)) yield return check;
    }

    /// <summary>The inference forward pass of a zoo model (weights seeded 1, stripped for inference) on a seeded batch of pixels in [0, 255).</summary>
    public static DeviceCheck Forward(string zooName, int size, int batch, ExecutionDevice reference, ExecutionDevice device)
    {
        var entry = Zoo.Find(zooName);
        var network = ZooNetwork.Initialize(Zoo.Build(zooName, new ZooOptions { InputShape = entry.DefaultClasses == 0 ? [size, size, 3] : null }), seed: 1);
        var inference = network.Graph.Clone();
        Autodiff.Passes.StripForInference.Apply(inference, network.Masks.Select(m => m.Input));
        var graph = OnnxModel.ToBytes(inference);
        var (c, h, w) = (network.Input.ExampleDims[0], network.Input.ExampleDims[1], network.Input.ExampleDims[2]);
        var rng = new SeededRandom(7);
        var input = new float[batch * c * h * w];
        for (int i = 0; i < input.Length; i++) input[i] = rng.NextFloat() * 255f;
        float[] Run(ExecutionDevice d)
        {
            using var options = ExecutionDevices.CreateSessionOptions(d);
            using var session = new InferenceSession(graph, options);
            using var x = OrtValue.CreateTensorValueFromMemory(input, [batch, c, h, w]);
            using var run = new RunOptions();
            using var y = session.Run(run, [network.Input.Name], [x], [network.Output]);
            return y[0].GetTensorDataAsSpan<float>().ToArray();
        }
        return DeviceCheck.Compare($"forward {zooName} {h}x{w}x{c} batch {batch}, {Name(device)} against {Name(reference)}",
            [(network.Output, Run(reference), Run(device))], ForwardTolerance);
    }

    /// <summary>One SGD step (learning rate 0.01) from the network's weights on the same seeded batch: the loss and each carried tensor's update.</summary>
    public static DeviceCheck TrainStep(Network model, int batch, ExecutionDevice reference, ExecutionDevice device)
    {
        const float lr = 0.01f;
        (float Loss, Dictionary<string, Tensor> Before, Dictionary<string, Tensor> After) Run(ExecutionDevice d)
        {
            using var session = TrainStepBenchmark.Open(model, batch, d, optimizer: "sgd");
            var before = session.ReadCarried();
            var (loss, _) = session.Train(batch, lr, 1);
            return (loss, before, session.ReadCarried());
        }
        var a = Run(reference);
        var b = Run(device);
        var tensors = new List<(string, float[], float[])> { ("loss", [a.Loss], [b.Loss]) };
        foreach (var name in a.After.Keys.Order(StringComparer.Ordinal))
            tensors.Add(("update of " + name, Update(a.Before[name], a.After[name]), Update(b.Before[name], b.After[name])));
        return DeviceCheck.Compare($"train step {model.Name}{(model.Freezing is { } f ? $" ({f})" : "")} batch {batch}, {Name(device)} against {Name(reference)}",
            tensors, StepTolerance);
    }

    /// <summary>Grad-CAM of VGG16 + dense256 (weights seeded 1) on block5_conv3 for a seeded picture: prediction, activations, gradients, heatmap.</summary>
    public static DeviceCheck GradCam(int size, ExecutionDevice reference, ExecutionDevice device)
    {
        var bytes = OnnxModel.ToBytes(Exporter.Build(Vgg16Dense256(size)));
        using var picture = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rng = new SeededRandom(7);
        var pixels = picture.GetPixelSpan();
        for (int i = 0; i < pixels.Length; i++) pixels[i] = i % 4 == 3 ? (byte)255 : (byte)rng.NextInt(256);
        Explanation Run(ExecutionDevice d)
        {
            using var m = ImageModel.Load(bytes, new ImageModelOptions { Device = d });
            return m.Explain(picture);
        }
        var a = Run(reference);
        var b = Run(device);
        return DeviceCheck.Compare($"grad-cam vgg16-base+dense256 {size}x{size} on {a.Layer}, {Name(device)} against {Name(reference)}",
        [
            ("prediction", a.Prediction.Outputs.ToArray(), b.Prediction.Outputs.ToArray()),
            ("activations", a.Activations.Values.ToArray(), b.Activations.Values.ToArray()),
            ("gradients", a.Gradients.Values.ToArray(), b.Gradients.Values.ToArray()),
            ("heatmap", a.Heatmap.Values.ToArray(), b.Heatmap.Values.ToArray()),
        ], ForwardTolerance);
    }

    /// <summary>
    /// Images/s of the bench workloads on both devices: bench train-step mnist-convnet --batch-size 64 and bench transfer
    /// (forward, frozen, fine-tune) at batch 20. PASS when the device ran them (the numbers are the result, not a threshold).
    /// </summary>
    public static IEnumerable<DeviceCheck> Throughput(int size, int repeats, ExecutionDevice reference, ExecutionDevice device)
    {
        var workloads = new List<(string Name, Func<ExecutionDevice, StepTiming> Run)>
        {
            ("train-step mnist-convnet batch 64", d => TrainStepBenchmark.Run(ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), seed: 1), 64, warmup: 3, repeats, d)),
        };
        foreach (var w in TransferBenchmark.Workloads)
            workloads.Add(($"transfer {w} {size}x{size} batch 20", d => TransferBenchmark.Run(w, [size, size, 3], 20, repeats, d)));
        foreach (var (name, run) in workloads)
        {
            double r = run(reference).ImagesPerSecond, x = run(device).ImagesPerSecond;
            bool ran = double.IsFinite(x) && x > 0;
            yield return new DeviceCheck($"throughput {name}", ran, string.Create(CultureInfo.InvariantCulture,
                $"{Name(device)} {x:0.0} images/s, {Name(reference)} {r:0.0} images/s ({x / r:0.00}x, median of {repeats} steps)"));
        }
    }

    private static Network Vgg16Dense256(int size) =>
        ZooNetwork.Initialize(Zoo.Build("vgg16-base", new ZooOptions { Head = "dense256", InputShape = [size, size, 3], Classes = 1 }), seed: 1);

    private static float[] Update(Tensor before, Tensor after)
    {
        var u = new float[before.Floats.Length];
        for (int i = 0; i < u.Length; i++) u[i] = after.Floats[i] - before.Floats[i];
        return u;
    }

    private static string Name(ExecutionDevice d) => d.ToString().ToLowerInvariant();
}
