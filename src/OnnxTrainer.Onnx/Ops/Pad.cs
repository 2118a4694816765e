using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Pad with constant pads (and optional axes). Gradient for mode 'constant' only.</summary>
internal static class Pad
{
    public static IEnumerable<OpRule> Rules => [Differentiable("Pad", Shape, Gradient)];

    /// <summary>Pads [begin of every axis.., end of every axis..] over all axes, or null when not constant.</summary>
    private static long[]? FullPads(Node node, Graph graph, int rank)
    {
        long[]? Ints(int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0 ? graph.FindInitializer(node.Inputs[i])?.Data as long[] : null;
        var pads = Ints(1);
        if (pads is null) return null;
        if (node.Inputs.Count <= 3 || node.Inputs[3].Length == 0) return pads.Length == 2 * rank ? pads : null;
        var axes = Ints(3);
        if (axes is null || pads.Length != 2 * axes.Length) return null;
        var full = new long[2 * rank];
        for (int k = 0; k < axes.Length; k++)
        {
            long a = axes[k] < 0 ? axes[k] + rank : axes[k];
            full[a] = pads[k];
            full[a + rank] = pads[k + axes.Length];
        }
        return full;
    }

    private static TensorType[]? Shape(ShapeContext s)
    {
        var d = s.In(0).Dims;
        var pads = FullPads(s.Node, s.Graph, d.Length);
        if (pads is null) return null;
        return [s.In(0).WithDims(d.Select((x, i) => x < 0 ? x : x + pads[i] + pads[i + d.Length]).ToArray())];
    }

    /// <summary>
    /// Y = Pad(X, pads, value): dX = Pad(dY, -pads) (a negative pad crops, so this also undoes cropping);
    /// dvalue = sum(dY) - sum(dX), the gradient of the padded cells. Modes reflect, edge and wrap are not differentiated.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        string mode = c.Node.Str("mode", "constant");
        if (mode != "constant") throw c.Unsupported($"mode '{mode}' (only 'constant' has a gradient rule)");
        var pads = FullPads(c.Node, c.B.Graph, c.InType(0).Rank) ?? throw c.Unsupported("pads that are not a constant");
        string? dx = null;
        string Dx() => dx ??= c.Typed("Pad", [c.Dy, c.B.Ints(pads.Select(p => -p).ToArray())], c.InType(0));
        return c.Each(
            Dx,
            () => null,                                                                                  // pads: integer
            () => c.ReshapeLike(c.Sub(c.Op("ReduceSum", [c.Dy], A("keepdims", 0L)), c.Op("ReduceSum", [Dx()], A("keepdims", 0L))), c.X(2)),
            () => null);                                                                                 // axes: integer
    }
}
