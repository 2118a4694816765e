namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// An ONNX image model read into our form: opset 18, every value typed, the image input NCHW [N,C,H,W] (N symbolic
/// unless <see cref="ImportOptions.FixedBatch"/>). <see cref="FileLayout"/> is the layout the file's input had: an NHWC
/// input is now NCHW, followed by a Transpose to the NHWC value the file's first nodes read.
/// </summary>
/// <param name="Graph">The imported graph.</param>
/// <param name="InputName">The NCHW image input.</param>
/// <param name="FileLayout">The layout of the file's image input.</param>
/// <param name="Channels">Input channels (1 or 3).</param>
/// <param name="Height">Input height in pixels, as imported.</param>
/// <param name="Width">Input width in pixels, as imported.</param>
/// <param name="Outputs">The graph's output names, in the file's order.</param>
/// <param name="Changes">What the import changed, one line per kind of change naming the nodes touched.</param>
public sealed record ImportedModel(
    Graph Graph,
    string InputName,
    ImageLayout FileLayout,
    int Channels,
    int Height,
    int Width,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<string> Changes);
