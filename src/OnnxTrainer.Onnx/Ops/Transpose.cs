using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Transpose.</summary>
internal static class Transpose
{
    public static IEnumerable<OpRule> Rules => [Differentiable("Transpose", Shape, Gradient)];

    private static long[] Perm(Node node, int rank) =>
        node.Ints("perm", Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray());

    private static TensorType[]? Shape(ShapeContext s)
    {
        var d = s.In(0).Dims;
        return [s.In(0).WithDims(Perm(s.Node, d.Length).Select(p => d[p]).ToArray())];
    }

    /// <summary>Y = transpose(X, perm): dX = transpose(dY, inverse(perm)).</summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        int rank = c.InType(0).Rank;
        var perm = Perm(c.Node, rank);
        var inverse = new long[rank];
        for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
        return [c.Op("Transpose", [c.Dy], GradientContext.A("perm", inverse))];
    }
}
