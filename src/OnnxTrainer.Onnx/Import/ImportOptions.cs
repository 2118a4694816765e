namespace OnnxTrainer.Onnx.Import;

/// <summary>What <see cref="OnnxImporter"/> may change while it reads a file.</summary>
public sealed record ImportOptions
{
    /// <summary>Input height and width to import at; null keeps the file's (both or neither).</summary>
    public int? Height { get; init; }

    /// <summary>Input width in pixels to import at; null keeps the file's (give it together with <see cref="Height"/>).</summary>
    public int? Width { get; init; }

    /// <summary>
    /// Turns every AveragePool/MaxPool whose fixed window covers its whole input at the file's input size (ResNet18's
    /// final 7x7 AveragePool) into GlobalAveragePool/GlobalMaxPool, so any input size gives a 1x1 map.
    /// </summary>
    public bool GlobalPooling { get; init; }

    /// <summary>Keeps the file's fixed batch size instead of making the batch dimension symbolic.</summary>
    public bool FixedBatch { get; init; }

    /// <summary>How error messages name the global-pooling option (the command line sets its flag).</summary>
    public string GlobalPoolingHint { get; init; } = "the global-pooling option";

    /// <summary>How error messages name the way to cut the network before a value (the command line sets its flag).</summary>
    public string CutHint { get; init; } = "--cut VALUE";
}
