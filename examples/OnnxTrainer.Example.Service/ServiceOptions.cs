namespace OnnxTrainer.Example.Service;

/// <summary>How the service runs: which model, which loopback port, and its limits.</summary>
public sealed record ServiceOptions
{
    /// <summary>The .onnx model exported by onnx-trainer.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Port on 127.0.0.1; 0 picks a free one (read it back from <c>app.Urls</c> after start).</summary>
    public int Port { get; init; } = 5080;

    /// <summary>Largest accepted upload in bytes; larger requests get 413.</summary>
    public long MaxUploadBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Largest accepted image in pixels (checked in the header before decoding); larger get 413.</summary>
    public long MaxImagePixels { get; init; } = 25_000_000;

    /// <summary>Inferences running at once; more requests wait their turn (ONNX Runtime already uses every core for one).</summary>
    public int MaxConcurrentInferences { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Uploads read and held at once (including those waiting for or running an inference); more requests wait before
    /// their bodies are read, so memory stays near this times <see cref="MaxUploadBytes"/> under any number of clients.
    /// </summary>
    public int MaxBufferedUploads { get; init; } = 4 * Math.Max(1, Environment.ProcessorCount);

    /// <summary>Intra-op threads per inference (0: one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Log requests to the console.</summary>
    public bool Logging { get; init; } = true;
}
