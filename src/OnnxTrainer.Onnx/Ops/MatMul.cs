using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>MatMul of [.., M, K] by a 2-D [K, N].</summary>
internal static class MatMul
{
    public static IEnumerable<OpRule> Rules => [Differentiable("MatMul", Shape, Gradient)];

    private static TensorType[]? Shape(ShapeContext s)
    {
        var a = s.In(0).Dims;
        var b = s.In(1).Dims;
        if (a.Length < 2 || b.Length != 2) return null;
        return [s.In(0).WithDims([.. a[..^1], b[1]])];
    }

    /// <summary>Y = A*B with B 2-D (A may have leading batch axes): dA = dY*B^T, dB = A^T*dY over all rows.</summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        var a = c.InType(0);
        var b = c.InType(1);
        if (b.Rank != 2 || a.Rank < 2) throw c.Unsupported($"MatMul of {a.ShapeText} by {b.ShapeText} (only [..,M,K] x [K,N])");
        if (a.Rank == 2)
            return c.Each(() => Gemm.Mm(c, c.Dy, c.X(1), false, true, 1f), () => Gemm.Mm(c, c.X(0), c.Dy, true, false, 1f));
        return c.Each(
            () => c.Op("MatMul", c.Dy, c.Op("Transpose", [c.X(1)], A("perm", new long[] { 1, 0 }))),
            () => Gemm.Mm(c, c.Op("Reshape", c.X(0), c.B.Ints(-1, a.Dims[^1])), c.Op("Reshape", c.Dy, c.B.Ints(-1, b.Dims[1])), true, false, 1f));
    }
}
