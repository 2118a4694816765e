using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Split (opset 18): sizes as constant input 1, or num_outputs equal parts (the last one smaller), along one axis.</summary>
internal static class Split
{
    public static IEnumerable<OpRule> Rules => [Differentiable("Split", Shape, Gradient)];

    /// <summary>The sizes of the pieces of a dim of size <paramref name="dim"/>, or null when they are not known.</summary>
    private static long[]? Sizes(Node node, Graph graph, long dim)
    {
        if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
            return graph.FindInitializer(node.Inputs[1])?.Data as long[];
        long n = node.Int("num_outputs", node.Outputs.Count);
        if (dim < 0 || n <= 0) return null;
        long part = (dim + n - 1) / n;                                  // ceil(dim/n); the last part gets the rest
        return Enumerable.Range(0, (int)n).Select(i => Math.Max(0, Math.Min(part, dim - i * part))).ToArray();
    }

    private static TensorType[]? Shape(ShapeContext s)
    {
        var x = s.In(0);
        int axis = OpShapes.Axis(s.Node, x.Rank, 0);
        var sizes = Sizes(s.Node, s.Graph, x.Dims[axis]);
        if (sizes is null) return null;
        if (sizes.Length != s.Node.Outputs.Count) throw s.Error($"{sizes.Length} pieces for {s.Node.Outputs.Count} outputs");
        if (x.Dims[axis] >= 0 && sizes.Sum() != x.Dims[axis]) throw s.Error($"sizes [{string.Join(",", sizes)}] do not add up to {x.Dims[axis]}");
        return sizes.Select(d => x.WithDims(x.Dims.Select((v, i) => i == axis ? d : v).ToArray())).ToArray();
    }

    /// <summary>Y0, Y1, ... = split(X): dX = concat(dY0, dY1, ...) with zeros for a piece no gradient reached.</summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        int axis = OpShapes.Axis(c.Node, c.InType(0).Rank, 0);
        var parts = c.Node.Outputs.Select((y, k) => c.OutputGrads[k] ?? c.ExpandLike(c.Const(0f), y)).ToArray();
        return c.Each(() => parts.Length == 1 ? parts[0] : c.Op("Concat", parts, A("axis", (long)axis)), () => null);
    }
}
