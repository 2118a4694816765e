using Microsoft.ML.OnnxRuntime;

namespace OnnxTrainer.Runtime;

/// <summary>
/// The one place where OnnxTrainer (this library, training and the command line) turns a device into ONNX Runtime
/// session options: device names, the checks that CUDA can run, thread counts. Which devices work is decided by the
/// native ONNX Runtime package the application references: Microsoft.ML.OnnxRuntime has the CPU only;
/// Microsoft.ML.OnnxRuntime.Gpu.Linux adds CUDA, which also needs an NVIDIA GPU with its driver, CUDA 13 and cuDNN 9.
/// </summary>
public static class ExecutionDevices
{
    /// <summary>The name of ONNX Runtime's CUDA execution provider.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>Parses a device name: cpu, or cuda (also gpu), in any case.</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static ExecutionDevice Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "cpu" => ExecutionDevice.Cpu,
            "cuda" or "gpu" => ExecutionDevice.Cuda,
            _ => throw new ArgumentException($"Expected a device of cpu or cuda, got '{name}'.", nameof(name)),
        };
    }

    /// <summary>True when the loaded ONNX Runtime has the CUDA execution provider (the app references the GPU package); it says nothing about the machine.</summary>
    public static bool HasCudaProvider => OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider);

    /// <summary>
    /// Checks that <paramref name="device"/> can run here. For CUDA: the ONNX Runtime build has the CUDA provider; the
    /// driver, CUDA and cuDNN libraries load (each missing file is named with what to install); device
    /// <paramref name="deviceId"/> exists.
    /// </summary>
    /// <exception cref="NotSupportedException">The device cannot run here; the message says what is missing.</exception>
    public static void EnsureAvailable(ExecutionDevice device, int deviceId = 0)
    {
        if (device == ExecutionDevice.Cpu) return;
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains(CudaProvider))
            throw new NotSupportedException($"CUDA was asked for, but this ONNX Runtime build has no {CudaProvider} (available: {string.Join(", ", providers)}): " +
                                            "the application references the CPU package Microsoft.ML.OnnxRuntime; reference Microsoft.ML.OnnxRuntime.Gpu.Linux instead.");
        if (CudaProbe.MissingOnThisMachine is { } missing) throw new NotSupportedException(missing);
        if (!OperatingSystem.IsLinux()) return; // elsewhere ONNX Runtime reports what it cannot load
        var (count, error) = CudaProbe.DeviceCount();
        if (error is not null)
            throw new NotSupportedException($"CUDA was asked for, but the CUDA runtime finds no usable device ({error}). Check the GPU with nvidia-smi, and CUDA_VISIBLE_DEVICES.");
        if (deviceId >= count)
            throw new NotSupportedException($"CUDA device {deviceId} was asked for, but the CUDA runtime sees {count} device{(count == 1 ? "" : "s")}{(count > 0 ? $" (0 to {count - 1})" : "")}.");
    }

    /// <summary>
    /// Session options for <paramref name="device"/> after <see cref="EnsureAvailable"/>: every graph optimization,
    /// sequential execution, <paramref name="intraOpThreads"/> threads inside an operator (0: one per core), CUDA in full
    /// float32 (TF32 off, so results match the CPU within float rounding), and errors-only logging (models with Grad-CAM
    /// outputs have an input with a default value, which ONNX Runtime warns about).
    /// </summary>
    /// <exception cref="NotSupportedException">The device cannot run here (see <see cref="EnsureAvailable"/>).</exception>
    public static SessionOptions CreateSessionOptions(ExecutionDevice device, int intraOpThreads = 0, int deviceId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        EnsureAvailable(device, deviceId);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            if (device == ExecutionDevice.Cuda)
            {
                // full float32 like the CPU (TF32 matmuls and convolutions round inputs to 10 mantissa bits)
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["use_tf32"] = "0" });
                options.AppendExecutionProvider_CUDA(cuda);
            }
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new NotSupportedException($"CUDA was asked for, but ONNX Runtime cannot start its CUDA provider: {e.Message}", e);
        }
        return options;
    }

    /// <summary>Where tensors kept on the device live (for IOBinding): host memory for the CPU, device memory for CUDA.</summary>
    public static OrtMemoryInfo Memory(ExecutionDevice device, int deviceId = 0) => device == ExecutionDevice.Cuda
        ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, deviceId, OrtMemType.Default)
        : OrtMemoryInfo.DefaultInstance;
}
