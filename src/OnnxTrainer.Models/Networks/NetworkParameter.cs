using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Networks;

/// <summary>One weight tensor of a network: its initializer's name and shape, its role, and the layer that owns it.</summary>
public sealed record NetworkParameter(string Name, long[] Dims, ParameterRole Role, string Layer)
{
    public long Count => Shapes.Product(Dims);
}
