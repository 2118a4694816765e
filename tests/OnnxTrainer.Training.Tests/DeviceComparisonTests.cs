using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Runtime;
using OnnxTrainer.Training.Bench;

namespace OnnxTrainer.Training.Tests;

/// <summary>The comparison code of tools/gpu-check.sh, run here CPU against CPU (on a GPU machine the same code compares CPU against CUDA).</summary>
public class DeviceComparisonTests
{
    [Fact]
    public void Relative_difference_is_the_largest_difference_over_the_reference_scale()
    {
        Assert.Equal(0.002 / 4, DeviceCheck.RelativeDifference([1f, -4f, 2f], [1f, -4.002f, 2f]), 1e-6);
        Assert.Equal(0, DeviceCheck.RelativeDifference([0f, 0f], [0f, 0f]));
        Assert.Equal(double.PositiveInfinity, DeviceCheck.RelativeDifference([0f, 0f], [0f, 1e-9f]));
        Assert.True(double.IsNaN(DeviceCheck.RelativeDifference([1f, 2f], [float.NaN, 2f])));
        Assert.Equal("Expected tensors of the same size; got 2 and 3 elements.", Assert.Throws<ArgumentException>(() => DeviceCheck.RelativeDifference([1f, 2f], [1f, 2f, 3f])).Message);
    }

    [Fact]
    public void A_check_passes_below_the_tolerance_and_names_the_worst_tensor()
    {
        var pass = DeviceCheck.Compare("x", [("a", [1f, 2f], [1f, 2f]), ("b", [16f], [16.0009765625f])], 1e-4);
        Assert.Equal("PASS x: relative difference 6.10e-05 (largest of 2 tensors, in b), below 1e-04", pass.ToString());
        var fail = DeviceCheck.Compare("y", [("a", [1f, 2f], [1f, 2.001f])], 1e-4);
        Assert.Equal("FAIL y: relative difference 5.00e-04, not below 1e-04", fail.ToString());
        Assert.False(DeviceCheck.Compare("z", [("a", [1f], [float.NaN]), ("b", [1f], [1f])], 1e-4).Passed);
    }

    [Fact]
    public void Forward_train_step_and_grad_cam_of_the_cpu_against_itself_are_identical()
    {
        const ExecutionDevice cpu = ExecutionDevice.Cpu;
        Assert.Equal("PASS forward mnist-convnet 28x28x1 batch 2, cpu against cpu: relative difference 0.00e+00, below 1e-04",
            DeviceComparison.Forward("mnist-convnet", 32, 2, cpu, cpu).ToString());
        Assert.Equal("PASS forward vgg16-base 32x32x3 batch 2, cpu against cpu: relative difference 0.00e+00, below 1e-04",
            DeviceComparison.Forward("vgg16-base", 32, 2, cpu, cpu).ToString());
        Assert.Equal("PASS train step mnist-convnet batch 4, cpu against cpu: relative difference 0.00e+00 (largest of 11 tensors, in loss), below 1e-03",
            DeviceComparison.TrainStep(ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), seed: 1), 4, cpu, cpu).ToString());
        var frozen = ZooNetwork.Initialize(Zoo.Build("vgg16-base", new ZooOptions { Head = "dense256", InputShape = [32, 32, 3], Classes = 1 }), seed: 1).FreezeBase();
        Assert.Equal("PASS train step vgg16-base+dense256 (freeze-base) batch 2, cpu against cpu: relative difference 0.00e+00 (largest of 5 tensors, in loss), below 1e-03",
            DeviceComparison.TrainStep(frozen, 2, cpu, cpu).ToString());
        Assert.Equal("PASS grad-cam vgg16-base+dense256 32x32 on block5_conv3, cpu against cpu: relative difference 0.00e+00 (largest of 4 tensors, in prediction), below 1e-04",
            DeviceComparison.GradCam(32, cpu, cpu).ToString());
    }

    [Fact]
    public void The_train_step_check_compares_updates_that_are_not_zero()
    {
        // the updates compared are lr x gradient: a check of all-zero updates would prove nothing
        using var session = TrainStepBenchmark.Open(ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), seed: 1), 4, ExecutionDevice.Cpu, optimizer: "sgd");
        var before = session.ReadCarried();
        session.Train(4, 0.01f, 1);
        var after = session.ReadCarried();
        Assert.All(after.Keys, name => Assert.True(DeviceCheck.RelativeDifference(before[name].Floats, after[name].Floats) > 1e-6, name));
    }
}
