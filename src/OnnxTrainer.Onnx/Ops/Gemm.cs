using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Gemm: Y = alpha*A'*B' + beta*C.</summary>
internal static class Gemm
{
    public static IEnumerable<OpRule> Rules => [Differentiable("Gemm", Shape, Gradient)];

    private static TensorType[]? Shape(ShapeContext s)
    {
        var a = s.In(0).Dims;
        var b = s.In(1).Dims;
        long m = s.Node.Int("transA", 0) == 1 ? a[1] : a[0];
        long n = s.Node.Int("transB", 0) == 1 ? b[0] : b[1];
        return [s.In(0).WithDims([m, n])];
    }

    /// <summary>
    /// Y = alpha*A'*B' + beta*C with A' = transA ? A^T : A, B' = transB ? B^T : B.
    /// dA' = alpha*dY*B'^T, dB' = alpha*A'^T*dY, dC = beta*dY (summed over broadcast axes by the walk).
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        bool ta = c.Node.Int("transA", 0) == 1, tb = c.Node.Int("transB", 0) == 1;
        float alpha = c.Node.Float("alpha", 1f), beta = c.Node.Float("beta", 1f);
        string a = c.X(0), b = c.X(1), dy = c.Dy;
        return c.Each(
            () => ta ? Mm(c, b, dy, tb, true, alpha) : Mm(c, dy, b, false, !tb, alpha),   // dA = alpha*(B'*dY^T) or alpha*dY*B'^T
            () => tb ? Mm(c, dy, a, true, ta, alpha) : Mm(c, a, dy, !ta, false, alpha),   // dB = alpha*(dY^T*A') or alpha*A'^T*dY
            () => beta == 1f ? dy : c.Mul(dy, c.Const(beta)));                            // dC = beta*dY
    }

    /// <summary>Gemm(a, b) with the given transposes and alpha.</summary>
    internal static string Mm(GradientContext c, string a, string b, bool transA, bool transB, float alpha)
    {
        var attrs = new List<NodeAttribute>();
        if (transA) attrs.Add(A("transA", 1L));
        if (transB) attrs.Add(A("transB", 1L));
        if (alpha != 1f) attrs.Add(A("alpha", alpha));
        return c.Op("Gemm", [a, b], [.. attrs]);
    }
}
