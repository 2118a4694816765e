namespace OnnxTrainer.Onnx;

/// <summary>Shape arithmetic shared by every library.</summary>
public static class Shapes
{
    /// <summary>The number of elements of a static shape: the product of its dims (1 for a scalar).</summary>
    public static long Product(ReadOnlySpan<long> dims)
    {
        long p = 1;
        foreach (var d in dims) p *= d;
        return p;
    }
}
