using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Gather (whole slices at integer positions along an axis) and GatherElements (one element per index).</summary>
internal static class Gather
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Gather", Shape, GatherGradient),
        Differentiable("GatherElements", s => [s.In(1) with { Elem = s.In(0).Elem }], GatherElementsGradient),
    ];

    private static TensorType[]? Shape(ShapeContext s)
    {
        var data = s.In(0).Dims;
        int axis = OpShapes.Axis(s.Node, data.Length, 0);
        return [s.In(0).WithDims([.. data[..axis], .. s.In(1).Dims, .. data[(axis + 1)..]])];
    }

    /// <summary>
    /// Y = X gathered at constant positions p (a scalar or a vector) along an axis: dX[.., j, ..] = sum over k with p[k] == j
    /// of dY[.., k, ..], computed as dY (axis moved last) times the constant one-hot matrix M[k, j] = (p[k] == j).
    /// </summary>
    private static IReadOnlyList<string?> GatherGradient(GradientContext c)
    {
        var x = c.InType(0);
        int axis = OpShapes.Axis(c.Node, x.Rank, 0);
        var positions = c.ConstInts(c.X(1)) ?? throw c.Unsupported("indices that are not a constant");
        if (c.InType(1).Rank > 1) throw c.Unsupported($"indices {c.InType(1).ShapeText} (only a scalar or a vector)");
        long dim = x.Dims[axis];
        if (dim < 0) throw c.Unsupported($"gathering along axis {axis}, whose size is known only at run time");
        var oneHot = new float[positions.Length * dim];
        for (int k = 0; k < positions.Length; k++)
        {
            long p = positions[k] < 0 ? positions[k] + dim : positions[k];
            if (p < 0 || p >= dim) throw c.Unsupported($"index {positions[k]} outside [-{dim}, {dim})");
            oneHot[k * dim + p] = 1f;
        }
        return c.Each(() =>
        {
            string g = c.InType(1).Rank == 0 ? c.Op("Unsqueeze", c.Dy, c.B.Ints(axis)) : c.Dy;      // [.., K, ..]
            return c.ReshapeLike(TimesAlongAxis(c, g, axis, oneHot, positions.Length, dim), c.X(0));
        }, () => null);                                                                                 // indices: integer
    }

    /// <summary>
    /// <paramref name="g"/> with its axis <paramref name="axis"/> (of size <paramref name="rows"/>) multiplied by the constant
    /// matrix M [rows, cols]: the axis moved last, MatMul by M, moved back. A rank-1 <paramref name="g"/> comes back as [1, cols].
    /// </summary>
    internal static string TimesAlongAxis(GradientContext c, string g, int axis, float[] matrix, long rows, long cols)
    {
        if (c.B.TypeOf(g).Rank == 1) (g, axis) = (c.Op("Unsqueeze", g, c.B.Ints(0)), 1);              // MatMul needs a row
        int rank = c.B.TypeOf(g).Rank;
        var perm = Enumerable.Range(0, rank).Where(i => i != axis).Append(axis).Select(i => (long)i).ToArray();
        bool moved = axis != rank - 1;
        if (moved) g = c.Op("Transpose", [g], A("perm", perm));
        g = c.Op("MatMul", g, c.B.Floats(c.B.Prefixed("one_hot"), matrix, rows, cols));                 // (axis last) x M
        if (!moved) return g;
        var inverse = new long[rank];
        for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
        return c.Op("Transpose", [g], A("perm", inverse));
    }

    /// <summary>Y[i] = X[index i along the axis]: dX = ScatterElements(zeros, indices, dY, reduction add); repeated indices sum.</summary>
    private static IReadOnlyList<string?> GatherElementsGradient(GradientContext c) => c.Each(
        () => c.Typed("ScatterElements", [c.ExpandLike(c.Const(0f), c.X(0)), c.X(1), c.Dy], c.InType(0),
            A("axis", c.Node.Int("axis", 0)), A("reduction", "add")),
        () => null);
}
