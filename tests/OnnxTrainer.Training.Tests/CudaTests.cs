using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Runtime;

namespace OnnxTrainer.Training.Tests;

/// <summary>A fact that runs only where ONNX Runtime has the CUDA execution provider (skipped, saying so, elsewhere).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!Device.CudaAvailable) Skip = "No CUDAExecutionProvider in this ONNX Runtime build (CPU package, no GPU).";
    }
}

public class CudaTests
{
    [CudaFact]
    public void Cuda_training_matches_cpu_training_closely()
    {
        var model = Zoo.Build("mnist-convnet", new ZooOptions());
        var data = TrainingFixtures.Source(TrainingFixtures.FashionTrain(256));
        Weights Run(DeviceKind device)
        {
            var options = new FitOptions { Epochs = 1, BatchSize = 64, LearningRate = 1e-3, Device = device };
            using var t = new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, 1)), LossKind.CategoricalCrossentropy, Optimizer.Create("rmsprop"), options, TextWriter.Null);
            t.Fit(data, null);
            return t.CurrentWeights();
        }
        var cpu = Run(DeviceKind.Cpu);
        var cuda = Run(DeviceKind.Cuda);
        foreach (var name in cpu.Names)
            OnnxTrainer.TestSupport.Numeric.AssertClose(cpu[name].Floats, cuda[name].Floats, atol: 1e-3f, rtol: 1e-2f, what: name);
    }

    [Fact]
    public void Asking_for_cuda_without_the_provider_names_what_is_missing()
    {
        if (Device.CudaAvailable) return; // covered by the CUDA test on machines that have it
        var e = Assert.Throws<InvalidOperationException>(() => Device.Options(DeviceKind.Cuda));
        Assert.Contains("CUDAExecutionProvider", e.Message);
        Assert.Contains("--device cpu", e.Message);
    }
}
