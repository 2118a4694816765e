namespace OnnxTrainer.Runtime;

/// <summary>Where ONNX Runtime runs a model (see <see cref="ExecutionDevices"/> for what each one needs).</summary>
public enum ExecutionDevice
{
    /// <summary>The CPU execution provider (always available).</summary>
    Cpu,

    /// <summary>The CUDA execution provider: needs the Microsoft.ML.OnnxRuntime.Gpu.Linux package, an NVIDIA GPU, CUDA 13 and cuDNN 9.</summary>
    Cuda,
}
