namespace OnnxTrainer.Training.Serving;

/// <summary>
/// How to serve an ONNX classifier that carries no onnx-trainer metadata: its input size (H, W, C; default the file's),
/// the layout its input is in (checked against the file; an NHWC input is transposed on import), the preprocessing to
/// put in front of it (rescale, caffe, torch, none or a preprocessing graph FILE.onnx) and its class names.
/// </summary>
public sealed record ForeignModelOptions
{
    public long[]? InputShape { get; init; }
    public string? Layout { get; init; }
    public string Preprocessing { get; init; } = "none";
    public IReadOnlyList<string>? ClassNames { get; init; }
}
