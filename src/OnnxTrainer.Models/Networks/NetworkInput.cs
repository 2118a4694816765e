namespace OnnxTrainer.Models.Networks;

/// <summary>
/// The value a network reads: its graph input name and the dims of one example as the graph takes them (C, H, W for
/// an NCHW image; any dims for a head that reads features), and how raw pixels become the network's input
/// (<see cref="Preprocessing"/>: rescale, caffe, torch, none, or the file name of a preprocessing graph).
/// </summary>
public sealed record NetworkInput(string Name, long[] ExampleDims, string Preprocessing, string Layout = "NCHW")
{
    /// <summary>True for an image input: rank 3 per example (C, H, W).</summary>
    public bool IsImage => ExampleDims.Length == 3;

    /// <summary>Keras input shape (H, W, C) of an image input.</summary>
    public long[] KerasShape => IsImage
        ? [ExampleDims[1], ExampleDims[2], ExampleDims[0]]
        : throw new ModelException($"Input '{Name}' is not an image: it takes examples of shape ({string.Join(", ", ExampleDims)}).");
}
