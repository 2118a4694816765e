using Xunit;
using OnnxTrainer.Runtime;

namespace OnnxTrainer.TestSupport;

/// <summary>A fact that runs only where CUDA can run (GPU build, libraries, a device); elsewhere it is skipped with the reason.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (CudaProblem is { } problem) Skip = problem;
    }

    /// <summary>Null when CUDA can run here; otherwise why not (for example "...has no CUDAExecutionProvider...": the CPU build).</summary>
    public static string? CudaProblem
    {
        get
        {
            try
            {
                ExecutionDevices.EnsureAvailable(ExecutionDevice.Cuda);
                return null;
            }
            catch (NotSupportedException e)
            {
                return e.Message;
            }
        }
    }
}

/// <summary>A fact about the CPU build (the default native package); skipped in the GPU build.</summary>
public sealed class CpuBuildFactAttribute : FactAttribute
{
    public CpuBuildFactAttribute()
    {
        if (ExecutionDevices.HasCudaProvider) Skip = "GPU build (-p:OnnxTrainerGpu=true): ONNX Runtime has the CUDAExecutionProvider.";
    }
}

/// <summary>A theory about the CPU build (the default native package); skipped in the GPU build.</summary>
public sealed class CpuBuildTheoryAttribute : TheoryAttribute
{
    public CpuBuildTheoryAttribute()
    {
        if (ExecutionDevices.HasCudaProvider) Skip = "GPU build (-p:OnnxTrainerGpu=true): ONNX Runtime has the CUDAExecutionProvider.";
    }
}
