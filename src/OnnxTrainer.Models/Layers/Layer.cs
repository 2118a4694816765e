using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

public enum Padding { Valid, Same }

public enum Activation { Linear, Relu, Sigmoid, Softmax }

public enum ParamInit { GlorotUniform, Zeros, Ones }

/// <summary>
/// One weight tensor of a layer. Names are "layer/W", "layer/B" (Keras kernel and bias), or the Keras weight
/// name for batch norm. <see cref="Trainable"/> is false for state such as batch-norm moving statistics.
/// </summary>
public sealed record ParamSpec(string Name, long[] Dims, ParamInit Init, bool Trainable = true)
{
    public long Count => Shapes.Product(Dims);

    /// <summary>Glorot fans: (fan_in, fan_out) as Keras computes them for Dense [in,out] and Conv [O,I,kh,kw].</summary>
    public (long FanIn, long FanOut) Fans => Dims.Length switch
    {
        2 => (Dims[0], Dims[1]),
        4 => (Dims[1] * Dims[2] * Dims[3], Dims[0] * Dims[2] * Dims[3]),
        _ => (Count, Count),
    };
}

/// <summary>
/// A Keras-style layer. Shapes given to and returned by layers are Keras shapes without the batch
/// dimension: (H, W, C) for images, (F) for vectors. Inside graphs tensors are NCHW.
/// </summary>
public abstract record Layer
{
    public required string Name { get; init; }

    /// <summary>The class name Keras prints in summary() ("Conv2D", "MaxPooling2D", ...).</summary>
    public abstract string TypeName { get; }

    public abstract long[] OutputShape(long[] input);

    public virtual IReadOnlyList<ParamSpec> Params(long[] input) => [];

    /// <summary>Emits the layer's nodes for input value <paramref name="x"/> and returns its output value.</summary>
    public abstract string Emit(EmitContext ctx, string x, long[] input);

    protected string OutName => Name + "/out";

    protected static long[] RequireImage(string layer, string type, long[] input) =>
        input.Length == 3
            ? input
            : throw new ModelException($"{type} layer '{layer}' expects an image input (H, W, C), got {KerasShape.Format(input)}.");
}

/// <summary>Formatting of Keras shapes as summary() prints them.</summary>
public static class KerasShape
{
    public static string Format(long[] shape) => "(None, " + string.Join(", ", shape) + ")";
}
