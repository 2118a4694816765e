using Microsoft.ML.OnnxRuntime;

namespace OnnxTrainer.Training.Runtime;

public enum DeviceKind { Cpu, Cuda }

/// <summary>Execution providers chosen at run time: CPU always; CUDA when the ONNX Runtime build has it.</summary>
public static class Device
{
    public const string CudaProvider = "CUDAExecutionProvider";

    public static bool CudaAvailable => OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider);

    public static DeviceKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => DeviceKind.Cpu,
        "cuda" or "gpu" => DeviceKind.Cuda,
        _ => throw new ArgumentException($"--device must be cpu or cuda, got '{name}'."),
    };

    /// <summary>Session options for the device; threads 0 means one per core.</summary>
    public static SessionOptions Options(DeviceKind device, int threads = 0)
    {
        var o = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (device == DeviceKind.Cuda)
        {
            if (!CudaAvailable)
                throw new InvalidOperationException(
                    $"--device cuda: this ONNX Runtime build has no {CudaProvider} (available: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}). " +
                    "Use the Microsoft.ML.OnnxRuntime.Gpu package on a machine with CUDA, or --device cpu.");
            o.AppendExecutionProvider_CUDA(0);
        }
        return o;
    }

    /// <summary>Where carried tensors live: host memory on CPU, device memory on CUDA.</summary>
    public static OrtMemoryInfo Memory(DeviceKind device) => device == DeviceKind.Cuda
        ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default)
        : OrtMemoryInfo.DefaultInstance;
}
