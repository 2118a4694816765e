using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Models;
using OnnxTrainer.Runtime;
using OnnxTrainer.TestSupport;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Tests;

public class CudaTests
{
    [CudaFact]
    public void Cuda_training_matches_cpu_training_closely()
    {
        var model = Zoo.Build("mnist-convnet", new ZooOptions());
        var data = TrainingFixtures.Source(TrainingFixtures.FashionTrain(256));
        Weights Run(ExecutionDevice device)
        {
            var options = new FitOptions { Epochs = 1, BatchSize = 64, LearningRate = 1e-3, Device = device };
            using var t = new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, 1)), LossKind.CategoricalCrossentropy, Optimizer.Create("rmsprop"), options, TextWriter.Null);
            t.Fit(data, null);
            return t.CurrentWeights();
        }
        var cpu = Run(ExecutionDevice.Cpu);
        var cuda = Run(ExecutionDevice.Cuda);
        foreach (var name in cpu.Names)
            Numeric.AssertClose(cpu[name].Floats, cuda[name].Floats, atol: 1e-3f, rtol: 1e-2f, what: name);
    }

    [CpuBuildFact]
    public void Training_on_cuda_in_the_cpu_build_fails_before_any_work_saying_which_package_is_missing()
    {
        var model = Zoo.Build("mnist-convnet", new ZooOptions());
        var options = new FitOptions { Epochs = 1, BatchSize = 8, Device = ExecutionDevice.Cuda };
        var e = Assert.Throws<NotSupportedException>(() =>
            new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, 1)), LossKind.CategoricalCrossentropy, Optimizer.Create("rmsprop"), options, TextWriter.Null));
        Assert.Equal("CUDA was asked for, but this ONNX Runtime build has no CUDAExecutionProvider (available: CPUExecutionProvider): " +
                     "the application references the CPU package Microsoft.ML.OnnxRuntime; reference Microsoft.ML.OnnxRuntime.Gpu.Linux instead.", e.Message);
    }
}
