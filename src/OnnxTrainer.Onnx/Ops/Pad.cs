using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Pad with constant pads (and optional axes), modes constant, edge, reflect and wrap.</summary>
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
    /// Y = Pad(X, pads, value), mode constant: dX = Pad(dY, -pads) (a negative pad crops, so this also undoes cropping);
    /// dvalue = sum(dY) - sum(dX), the gradient of the padded cells. Modes edge, reflect, wrap: see <see cref="Fold"/>.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        string mode = c.Node.Str("mode", "constant");
        var pads = FullPads(c.Node, c.B.Graph, c.InType(0).Rank) ?? throw c.Unsupported("pads that are not a constant");
        if (mode != "constant")
            return mode is "edge" or "reflect" or "wrap" ? c.Each(() => Fold(c, pads, mode), () => null, () => null, () => null)
                : throw c.Unsupported($"mode '{mode}'");
        string? dx = null;
        string Dx() => dx ??= c.Typed("Pad", [c.Dy, c.B.Ints(pads.Select(p => -p).ToArray())], c.InType(0));
        return c.Each(
            Dx,
            () => null,                                                                                  // pads: integer
            () => c.ReshapeLike(c.Sub(c.Op("ReduceSum", [c.Dy], A("keepdims", 0L)), c.Op("ReduceSum", [Dx()], A("keepdims", 0L))), c.X(2)),
            () => null);                                                                                 // axes: integer
    }

    /// <summary>
    /// Modes edge, reflect, wrap: output position k of a padded axis reads input position src(k); along each padded axis
    /// in turn, dX[j] = sum of dY[k] over the k with src(k) = j, i.e. dY (axis last) times M[k, j] = (src(k) == j).
    /// </summary>
    private static string Fold(GradientContext c, long[] pads, string mode)
    {
        var x = c.InType(0);
        string g = c.Dy;
        for (int a = 0; a < x.Rank; a++)
        {
            long before = pads[a], after = pads[a + x.Rank], d = x.Dims[a];
            if (before == 0 && after == 0) continue;
            if (d < 0) throw c.Unsupported($"mode '{mode}' along axis {a}, whose size is known only at run time");
            long length = d + before + after;
            var m = new float[length * d];
            for (long k = 0; k < length; k++) m[k * d + Source(k - before, d, mode)] = 1f;
            g = Gather.TimesAlongAxis(c, g, a, m, length, d);
        }
        return c.ReshapeLike(g, c.X(0));
    }

    /// <summary>The input position an output position i (relative to the first input row) reads: edge clamps, reflect mirrors without repeating the edge, wrap cycles.</summary>
    private static long Source(long i, long d, string mode) => mode switch
    {
        "edge" => Math.Clamp(i, 0, d - 1),
        "reflect" => d == 1 ? 0 : Reflect(i, d),
        _ => ((i % d) + d) % d,
    };

    private static long Reflect(long i, long d)
    {
        long period = 2 * (d - 1);
        long r = ((i % period) + period) % period;
        return r < d ? r : period - r;
    }
}
