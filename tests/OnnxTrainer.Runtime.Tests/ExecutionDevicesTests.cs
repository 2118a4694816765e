using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Runtime.Tests;

public class ExecutionDevicesTests
{
    [Theory]
    [InlineData("cpu", ExecutionDevice.Cpu)]
    [InlineData("CPU", ExecutionDevice.Cpu)]
    [InlineData("cuda", ExecutionDevice.Cuda)]
    [InlineData("Gpu", ExecutionDevice.Cuda)]
    public void Device_names_parse_in_any_case(string name, ExecutionDevice expected) => Assert.Equal(expected, ExecutionDevices.Parse(name));

    [Fact]
    public void An_unknown_device_name_is_refused_with_the_choices() =>
        Assert.Equal("Expected a device of cpu or cuda, got 'tpu'. (Parameter 'name')", Assert.Throws<ArgumentException>(() => ExecutionDevices.Parse("tpu")).Message);

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Cpu_session_options_optimize_everything_and_use_the_threads_asked_or_one_per_core(int threads)
    {
        using var options = ExecutionDevices.CreateSessionOptions(ExecutionDevice.Cpu, threads);
        Assert.Equal(threads == 0 ? Environment.ProcessorCount : threads, options.IntraOpNumThreads);
        Assert.Equal(1, options.InterOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, options.GraphOptimizationLevel);
        Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, options.ExecutionMode);
        Assert.Equal(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, options.LogSeverityLevel);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExecutionDevices.CreateSessionOptions(ExecutionDevice.Cpu, -1));
    }

    [Fact]
    public void The_cpu_needs_nothing_and_its_memory_is_the_host()
    {
        ExecutionDevices.EnsureAvailable(ExecutionDevice.Cpu);
        Assert.Same(OrtMemoryInfo.DefaultInstance, ExecutionDevices.Memory(ExecutionDevice.Cpu));
    }

    [CpuBuildFact]
    public void Cuda_in_the_cpu_build_names_the_package_to_reference()
    {
        const string expected = "CUDA was asked for, but this ONNX Runtime build has no CUDAExecutionProvider (available: CPUExecutionProvider): " +
                                "the application references the CPU package Microsoft.ML.OnnxRuntime; reference Microsoft.ML.OnnxRuntime.Gpu.Linux instead.";
        Assert.False(ExecutionDevices.HasCudaProvider);
        Assert.Equal(expected, Assert.Throws<NotSupportedException>(() => ExecutionDevices.EnsureAvailable(ExecutionDevice.Cuda)).Message);
        Assert.Equal(expected, Assert.Throws<NotSupportedException>(() => ExecutionDevices.CreateSessionOptions(ExecutionDevice.Cuda)).Message);
        Assert.Equal(expected, Assert.Throws<NotSupportedException>(() => ImageModel.Load(Fixtures.Categorical, new ImageModelOptions { Device = ExecutionDevice.Cuda })).Message);
    }

    [Fact]
    public void With_every_cuda_library_present_nothing_is_missing() => Assert.Null(CudaProbe.MissingLibraries(_ => true));

    [Fact]
    public void A_missing_cudnn_is_named_with_what_to_install() =>
        Assert.Equal("CUDA was asked for, but the CUDA provider of ONNX Runtime cannot load libcudnn.so.9 (cuDNN 9: install cuDNN 9 for CUDA 13, " +
                     "for example the apt package libcudnn9-cuda-13). Make installed libraries findable (ldconfig or LD_LIBRARY_PATH).",
            CudaProbe.MissingLibraries(l => l != "libcudnn.so.9"));

    [Fact]
    public void Every_missing_library_is_named_once_grouped_by_what_provides_it()
    {
        var missing = new HashSet<string> { "libcuda.so.1", "libcublasLt.so.13", "libcufft.so.12", "libcudnn.so.9" };
        var asked = new List<string>();
        string? message = CudaProbe.MissingLibraries(l => { asked.Add(l); return !missing.Contains(l); });
        Assert.Equal(["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcufft.so.12", "libcudnn.so.9"], asked);
        Assert.Equal("CUDA was asked for, but the CUDA provider of ONNX Runtime cannot load " +
                     "libcuda.so.1 (the NVIDIA driver: install the driver for the GPU (CUDA 13 needs version 580 or newer)); " +
                     "libcublasLt.so.13, libcufft.so.12 (the CUDA 13 runtime libraries: install them, for example the apt package cuda-libraries-13-0 from NVIDIA's repository); " +
                     "and libcudnn.so.9 (cuDNN 9: install cuDNN 9 for CUDA 13, for example the apt package libcudnn9-cuda-13). " +
                     "Make installed libraries findable (ldconfig or LD_LIBRARY_PATH).", message);
    }
}
