namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// An ONNX image model read into our form: opset 18, every value typed, the image input NCHW [N,C,H,W] (N symbolic
/// unless <see cref="ImportOptions.FixedBatch"/>). <see cref="FileLayout"/> is the layout the file's input had: an NHWC
/// input is now NCHW, followed by a Transpose to the NHWC value the file's first nodes read.
/// </summary>
public sealed record ImportedModel(
    Graph Graph,
    string InputName,
    ImageLayout FileLayout,
    int Channels,
    int Height,
    int Width,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<string> Changes);
