using static OnnxTrainer.Onnx.Ops.GradientContext;
using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Slice with constant starts, ends, axes and steps (negative indices and steps as ONNX defines them).</summary>
internal static class Slice
{
    public static IEnumerable<OpRule> Rules => [Differentiable("Slice", Shape, Gradient)];

    /// <summary>(axis, start, end, step) per sliced axis, normalized; null when an input is not a constant.</summary>
    private static (int Axis, long Start, long End, long Step)[]? Spec(Node node, Graph graph, int rank)
    {
        long[]? Ints(int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0 ? graph.FindInitializer(node.Inputs[i])?.Data as long[] : null;
        bool Given(int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0;
        var starts = Ints(1);
        var ends = Ints(2);
        var axes = Ints(3);
        var steps = Ints(4);
        if (starts is null || ends is null || (Given(3) && axes is null) || (Given(4) && steps is null)) return null;
        return Enumerable.Range(0, starts.Length).Select(k =>
        {
            long a = axes?[k] ?? k;
            return ((int)(a < 0 ? a + rank : a), starts[k], ends[k], steps?[k] ?? 1L);
        }).ToArray();
    }

    /// <summary>The input positions a slice of a dim of size <paramref name="dim"/> selects, in output order (ONNX's clamping).</summary>
    public static List<long> Selected(long dim, long start, long end, long step)
    {
        if (step == 0) throw new InvalidOperationException("Slice step 0.");
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0) { start = Math.Clamp(start, 0, dim); end = Math.Clamp(end, 0, dim); }
        else { start = Math.Clamp(start, 0, dim - 1); end = Math.Clamp(end, -1, dim - 1); }
        var picked = new List<long>();
        for (long i = start; step > 0 ? i < end : i > end; i += step) picked.Add(i);
        return picked;
    }

    private static TensorType[]? Shape(ShapeContext s)
    {
        var spec = Spec(s.Node, s.Graph, s.In(0).Rank);
        if (spec is null) return null;
        var d = (long[])s.In(0).Dims.Clone();
        foreach (var (axis, start, end, step) in spec)
        {
            if (step == 0) throw s.Error("step 0");
            long size = d[axis];
            if (size >= 0) d[axis] = Selected(size, start, end, step).Count;
            else if (!(start == 0 && end >= int.MaxValue && step == 1)) d[axis] = TensorType.Unknown; // a run-time dim, unless all of it is kept
        }
        return [s.In(0).WithDims(d)];
    }

    /// <summary>
    /// Y = X[selected] per sliced axis: along each such axis in turn, dX = Gather(Pad(dY, one zero row at the end), map)
    /// where map[j] = the output position that read input position j, or the zero row when none did.
    /// </summary>
    private static IReadOnlyList<string?> Gradient(GradientContext c)
    {
        var x = c.InType(0);
        var spec = Spec(c.Node, c.B.Graph, x.Rank) ?? throw c.Unsupported("starts, ends, axes or steps that are not constants");
        return c.Each(() =>
        {
            string g = c.Dy;
            foreach (var (axis, start, end, step) in spec)
            {
                long dim = x.Dims[axis];
                if (dim < 0)
                {
                    if (start == 0 && end >= int.MaxValue && step == 1) continue;
                    throw c.Unsupported($"slicing axis {axis}, whose size is known only at run time");
                }
                var picked = Selected(dim, start, end, step);
                if (picked.Count == dim && picked.Select((p, k) => p == k).All(same => same)) continue;
                var map = Enumerable.Repeat((long)picked.Count, (int)dim).ToArray();
                for (int k = 0; k < picked.Count; k++) map[picked[k]] = k;
                var pads = new long[2 * x.Rank];
                pads[x.Rank + axis] = 1;
                string padded = c.Op("Pad", g, c.B.Ints(pads));                                   // dY with a zero row appended
                g = c.Op("Gather", [padded, c.B.Ints(map)], A("axis", (long)axis));
            }
            return g;
        });
    }
}
