namespace OnnxTrainer.Runtime;

/// <summary>How an image is resized to the model's input size.</summary>
public enum ResizeMode
{
    /// <summary>Bilinear filtering (Keras' image_dataset_from_directory default).</summary>
    Bilinear,

    /// <summary>Nearest neighbour (the default of Keras' image.load_img(target_size=...), listing 5.25).</summary>
    Nearest,
}

/// <summary>Options for <see cref="ImageModel.Load(string, ImageModelOptions?)"/>.</summary>
public sealed record ImageModelOptions
{
    /// <summary>The execution provider; <see cref="ExecutionDevice.Cpu"/> by default.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    /// <summary>The CUDA device number when <see cref="Device"/> is <see cref="ExecutionDevice.Cuda"/>.</summary>
    public int DeviceId { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 (the default) lets it use one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>How images are resized to the model's input size.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Bilinear;

    /// <summary>The most images one ONNX Runtime call takes; larger batches are split.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>Images with more pixels than this are refused before they are decoded (decompression bombs).</summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    internal void Validate()
    {
        if (IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be 0 (one per core) or positive.");
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        if (MaxImagePixels < 1) throw new ArgumentOutOfRangeException(nameof(MaxImagePixels), MaxImagePixels, "MaxImagePixels must be at least 1.");
        if (DeviceId < 0) throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "DeviceId must not be negative.");
    }
}
