using System.Runtime.InteropServices;

namespace OnnxTrainer.Runtime;

/// <summary>
/// What the CUDA provider of ONNX Runtime 1.32 (libonnxruntime_providers_cuda.so) loads from the machine, probed with
/// <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> before the provider is appended, so that a missing library is
/// named instead of failing inside ONNX Runtime. The list is the provider's ELF NEEDED entries (driver, cudart, cuBLAS,
/// cuRAND) plus the libraries it opens at run time (cuDNN, cuFFT). Linux only: the package is Microsoft.ML.OnnxRuntime.Gpu.Linux.
/// </summary>
internal static class CudaProbe
{
    /// <summary>Libraries that one installation provides, and what to install when one is missing.</summary>
    public sealed record Requirement(string What, string Install, IReadOnlyList<string> Libraries);

    public static readonly IReadOnlyList<Requirement> Requirements =
    [
        new("the NVIDIA driver", "install the driver for the GPU (CUDA 13 needs version 580 or newer)", ["libcuda.so.1"]),
        new("the CUDA 13 runtime libraries", "install them, for example the apt package cuda-libraries-13-0 from NVIDIA's repository",
            ["libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcufft.so.12"]),
        new("cuDNN 9", "install cuDNN 9 for CUDA 13, for example the apt package libcudnn9-cuda-13", ["libcudnn.so.9"]),
    ];

    private static readonly Lazy<string?> Missing = new(() => OperatingSystem.IsLinux() ? MissingLibraries(CanLoad) : null);
    private static readonly object CudartLock = new();
    private static IntPtr _cudart;

    /// <summary>Null when every library loads on this machine; otherwise one sentence naming the missing ones and what to install.</summary>
    public static string? MissingOnThisMachine => Missing.Value;

    /// <summary>Null when <paramref name="canLoad"/> loads every library; otherwise one sentence naming the missing ones and what to install.</summary>
    public static string? MissingLibraries(Func<string, bool> canLoad)
    {
        var parts = new List<string>();
        foreach (var r in Requirements)
        {
            var missing = r.Libraries.Where(l => !canLoad(l)).ToList();
            if (missing.Count > 0) parts.Add($"{string.Join(", ", missing)} ({r.What}: {r.Install})");
        }
        if (parts.Count == 0) return null;
        string list = parts.Count == 1 ? parts[0] : string.Join("; ", parts[..^1]) + "; and " + parts[^1];
        return $"CUDA was asked for, but the CUDA provider of ONNX Runtime cannot load {list}. Make installed libraries findable (ldconfig or LD_LIBRARY_PATH).";
    }

    /// <summary>
    /// The number of CUDA devices the CUDA runtime sees (cudaGetDeviceCount), or its error text (for example
    /// "no CUDA-capable device is detected"). Call only when <see cref="MissingOnThisMachine"/> is null.
    /// </summary>
    public static (int Count, string? Error) DeviceCount()
    {
        lock (CudartLock)
        {
            // kept loaded: the CUDA runtime is not unloaded once initialized
            if (_cudart == IntPtr.Zero && !NativeLibrary.TryLoad("libcudart.so.13", out _cudart)) return (0, "libcudart.so.13 cannot be loaded");
            var count = Marshal.GetDelegateForFunctionPointer<GetDeviceCount>(NativeLibrary.GetExport(_cudart, "cudaGetDeviceCount"));
            int error = count(out int n);
            if (error == 0) return (n, null);
            var text = Marshal.GetDelegateForFunctionPointer<GetErrorString>(NativeLibrary.GetExport(_cudart, "cudaGetErrorString"));
            return (0, $"cudaGetDeviceCount failed with error {error}: {Marshal.PtrToStringUTF8(text(error))}");
        }
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    // cudaError_t cudaGetDeviceCount(int* count)
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetDeviceCount(out int count);

    // const char* cudaGetErrorString(cudaError_t error)
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetErrorString(int error);
}
