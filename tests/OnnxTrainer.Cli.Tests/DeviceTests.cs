using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Cli.Tests;

/// <summary>--device cuda on the CPU build: every command that runs ONNX Runtime answers with one error line, exit code 2, before any work.</summary>
public class DeviceTests
{
    private const string CpuBuildLine = "error: --device cuda: this onnx-trainer is a CPU build (its ONNX Runtime has no CUDAExecutionProvider); " +
                                        "build it with the GPU switch, tools/setup.sh --gpu (or dotnet build -p:OnnxTrainerGpu=true), or use --device cpu.\n";

    public static TheoryData<string> Commands =>
    [
        "train mnist-convnet --data fashion-mnist --epochs 1 --out {dir}/run",
        "evaluate {dir}/m.onnx --data fashion-mnist",
        "predict {dir}/m.onnx {dir}/a.png",
        "gradcam {dir}/m.onnx {dir}/a.png --out {dir}/cam.png",
        "visualize activations {dir}/m.onnx {dir}/a.png --out {dir}/act",
        "visualize filters {dir}/m.onnx --layer conv2d_1 --out {dir}/f.png",
        "bench train-step mnist-convnet",
        "bench transfer --workload forward",
        "bench predict {dir}/m.onnx",
        "bench gradcam {dir}/m.onnx",
        "gpu-check",
    ];

    [CpuBuildTheory]
    [MemberData(nameof(Commands))]
    public void Cuda_in_the_cpu_build_is_one_error_line_saying_to_build_with_the_gpu_switch(string command)
    {
        using var t = new TempFolder();
        foreach (string device in new[] { "cuda", "GPU" })
        {
            var r = CliRun.Of([.. command.Replace("{dir}", t.Path).Split(' '), "--device", device]);
            Assert.Equal((2, "", CpuBuildLine), (r.ExitCode, r.Stdout, r.Stderr));
        }
        Assert.Empty(t.Contents());
    }

    [Fact]
    public void An_unknown_device_is_refused_with_the_choices()
    {
        var r = CliRun.Of("bench", "train-step", "mnist-convnet", "--device", "tpu");
        Assert.Equal((2, "", "error: --device must be cpu or cuda, got 'tpu'.\n"), (r.ExitCode, r.Stdout, r.Stderr));
    }

    [Fact]
    public void Gpu_check_of_the_cpu_against_itself_prints_one_pass_line_per_check()
    {
        var r = CliRun.Of("gpu-check", "--device", "cpu", "--size", "32", "--models", "mnist-convnet", "--repeats", "0");
        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal([
            "PASS forward mnist-convnet 28x28x1 batch 2, cpu against cpu: relative difference 0.00e+00, below 1e-04",
            "PASS train step mnist-convnet batch 16, cpu against cpu: relative difference 0.00e+00 (largest of 11 tensors, in loss), below 1e-03",
            "PASS train step vgg16-base+dense256 (freeze-base) batch 4, cpu against cpu: relative difference 0.00e+00 (largest of 5 tensors, in loss), below 1e-03",
            "PASS grad-cam vgg16-base+dense256 32x32 on block5_conv3, cpu against cpu: relative difference 0.00e+00 (largest of 4 tensors, in prediction), below 1e-04",
        ], lines[..^1]);
        Assert.Matches(@"^gpu-check: 4 passed, 0 failed in \d+ s$", lines[^1]);
    }
}
