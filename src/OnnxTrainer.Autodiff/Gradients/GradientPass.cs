using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Ops;

namespace OnnxTrainer.Autodiff.Gradients;

/// <summary>
/// Reverse-mode differentiation of a graph: the op-agnostic walk. Everything op-specific is in the op's rule in
/// <see cref="OpRegistry"/> (src/OnnxTrainer.Onnx/Ops/, one file per op or op family).
/// </summary>
public static class GradientPass
{
    /// <summary>Name of the gradient of <paramref name="value"/>.</summary>
    public static string GradName(string value) => "grad/" + value;

    /// <summary>
    /// The pass form (see <see cref="Passes.PassResult"/>): adds d(loss)/d(v) for each v in <paramref name="wrt"/> to
    /// <paramref name="graph"/>; the result's values map each v to its gradient value.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Build"/>.</exception>
    /// <exception cref="NotSupportedException">As for <see cref="Build"/>.</exception>
    public static Passes.PassResult Apply(Graph graph, string loss, IReadOnlyCollection<string> wrt) =>
        Passes.PassResult.Of(nameof(GradientPass), graph, () => Build(new GraphBuilder(graph), loss, wrt));

    /// <summary>
    /// Adds to b.Graph the nodes computing d(loss)/d(v) for each v in wrt (values of the graph, usually
    /// trainable initializers). loss must be a float scalar (shape []). Returns wrt name -> gradient value name;
    /// the gradient of parameter "p" is named "grad/p". Nodes not on a path from some wrt value to loss are not
    /// visited; a rule is asked only for the input gradients that are needed (so no input gradient is computed
    /// for the first trainable layer, and nothing below a frozen base). A wrt value the loss does not depend on
    /// gets a zero gradient.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="loss"/> is not a float scalar value of the graph, or a <paramref name="wrt"/> value is missing or not float.</exception>
    /// <exception cref="NotSupportedException">An op on a path from a <paramref name="wrt"/> value to the loss has no rule, or its rule does not handle that form of the op.</exception>
    public static IReadOnlyDictionary<string, string> Build(GraphBuilder b, string loss, IReadOnlyCollection<string> wrt)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(wrt);
        var g = b.Graph;
        var lossType = g.Types.TryGetValue(loss, out var lt) ? lt
            : throw new ArgumentException($"Loss '{loss}' is not a value of graph '{g.Name}'.", nameof(loss));
        if (lossType.Elem != ElementType.Float || lossType.Rank != 0)
            throw new ArgumentException($"Loss '{loss}' must be a float scalar (shape []), got {lossType}; reduce it first (ReduceMean with keepdims=0).", nameof(loss));
        var targets = wrt.Distinct().ToList();
        foreach (var w in targets)
        {
            var t = g.Types.TryGetValue(w, out var wt) ? wt
                : throw new ArgumentException($"Cannot differentiate with respect to '{w}': graph '{g.Name}' has no such value.", nameof(wrt));
            if (t.Elem != ElementType.Float)
                throw new ArgumentException($"Cannot differentiate with respect to '{w}': it is {t}, only float values carry gradients.", nameof(wrt));
        }
        var names = targets.ToDictionary(w => w, w => Reserve(b, GradName(w)));

        var forward = g.Nodes.ToList();
        // Values depending on some wrt value (through float values only: integer and bool values carry no gradient).
        var fromWrt = new HashSet<string>(targets, StringComparer.Ordinal);
        foreach (var n in forward)
            if (n.Inputs.Any(fromWrt.Contains))
                foreach (var o in n.Outputs)
                    if (o.Length > 0 && g.TypeOf(o).Elem == ElementType.Float) fromWrt.Add(o);
        // Values the loss depends on.
        var toLoss = new HashSet<string>(StringComparer.Ordinal) { loss };
        for (int k = forward.Count - 1; k >= 0; k--)
            if (forward[k].Outputs.Any(toLoss.Contains))
                foreach (var i in forward[k].Inputs)
                    if (i.Length > 0) toLoss.Add(i);
        bool OnPath(string v) => v.Length > 0 && fromWrt.Contains(v) && toLoss.Contains(v);

        var sums = new Sums(b, names);
        sums.Add(loss, b.Const(1f)); // dL/dL = 1
        for (int k = forward.Count - 1; k >= 0; k--)
        {
            var node = forward[k];
            if (!node.Outputs.Any(OnPath)) continue;
            var outGrads = node.Outputs.Select(o => o.Length > 0 ? sums.Total(o) : null).ToArray();
            if (outGrads.All(d => d is null)) continue;
            var needs = node.Inputs.Select(i => i.Length > 0 && fromWrt.Contains(i)).ToArray();
            var rule = OpRegistry.Find(node.OpType) ?? throw new NotSupportedException(
                $"No gradient rule for op '{node.OpType}' (node '{node.Name}'); it lies between the differentiated values and loss '{loss}'. " +
                $"Add the op to {nameof(OpRegistry)} (src/OnnxTrainer.Onnx/Ops/), or keep the op off that path.");
            if (rule.Gradient is null) continue; // no gradient flows through it (see rule.NoGradientReason)
            using var scope = b.Scope(GradName(node.Name));
            var grads = rule.Gradient(new GradientContext(b, node, outGrads, needs));
            if (grads.Count != node.Inputs.Count)
                throw new InvalidOperationException(
                    $"Gradient rule for {node.OpType} returned {grads.Count} gradients for node '{node.Name}' with {node.Inputs.Count} inputs.");
            for (int i = 0; i < grads.Count; i++)
                if (needs[i] && grads[i] is { } gi)
                    sums.Add(node.Inputs[i], Unbroadcast(b, gi, node.Inputs[i]));
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var w in targets)
            result[w] = sums.Total(w) ?? Zeros(b, w, names[w]);
        return result;
    }

    /// <summary>Claims the exact name <paramref name="name"/> for a value made later.</summary>
    private static string Reserve(GraphBuilder b, string name) =>
        b.Fresh(name) == name ? name
            : throw new InvalidOperationException($"Graph '{b.Graph.Name}' already uses the name '{name}'; gradients were built twice?");

    /// <summary>
    /// Sums a gradient <paramref name="grad"/> of a broadcast input back to the shape of <paramref name="input"/>:
    /// ReduceSum over the leading and the stretched axes, then a Reshape where the rank differs.
    /// </summary>
    private static string Unbroadcast(GraphBuilder b, string grad, string input)
    {
        var gd = b.TypeOf(grad).Dims;
        var xd = b.TypeOf(input).Dims;
        if (gd.AsSpan().SequenceEqual(xd)) return grad;
        int lead = gd.Length - xd.Length;
        if (lead < 0)
            throw new InvalidOperationException($"Gradient '{grad}' {b.TypeOf(grad).ShapeText} has a lower rank than its value '{input}' {b.TypeOf(input).ShapeText}.");
        var axes = Enumerable.Range(0, gd.Length).Where(i => i < lead || (xd[i - lead] == 1 && gd[i] != 1)).Select(i => (long)i).ToArray();
        if (axes.Length == 0) return grad; // only symbolic dims differ
        var kept = gd.Where((_, i) => !axes.Contains(i)).ToArray();
        if (kept.AsSpan().SequenceEqual(xd))
            return b.Op("ReduceSum", [grad, b.Ints(axes)], null, GraphBuilder.A("keepdims", 0L));
        string summed = b.Op("ReduceSum", [grad, b.Ints(axes)], null, GraphBuilder.A("keepdims", 1L));
        if (lead == 0) return summed;
        string shape = xd.Count(d => d < 0) <= 1
            ? b.Ints(xd.Select(d => d < 0 ? -1 : d).ToArray())
            : b.Node("Shape", [input], 1, null, null, [TensorType.Int64(xd.Length)])[0];
        return b.Node("Reshape", [summed, shape], 1, null, null, [b.TypeOf(grad) with { Dims = xd }])[0];
    }

    /// <summary>A zero gradient for a value the loss does not depend on.</summary>
    private static string Zeros(GraphBuilder b, string value, string name)
    {
        var t = b.TypeOf(value);
        string shape = t.IsStatic ? b.Ints(t.Dims) : b.Node("Shape", [value], 1, null, null, [TensorType.Int64(t.Rank)])[0];
        return b.Node("Expand", [b.Const(0f), shape], 1, null, [name], [t])[0];
    }

    /// <summary>
    /// Gradient contributions per value, summed once when first read. A value with a reserved name (a wrt value)
    /// gets its total under that name; a sum of another value is named "grad/value".
    /// </summary>
    private sealed class Sums(GraphBuilder b, IReadOnlyDictionary<string, string> reserved)
    {
        private readonly Dictionary<string, List<string>> _parts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _totals = new(StringComparer.Ordinal);

        public void Add(string value, string grad)
        {
            if (_totals.ContainsKey(value))
                throw new InvalidOperationException($"Gradient of '{value}' was read before all its uses were visited.");
            if (!_parts.TryGetValue(value, out var list)) _parts[value] = list = [];
            list.Add(grad);
        }

        /// <summary>The summed gradient of <paramref name="value"/>, or null if none reached it.</summary>
        public string? Total(string value)
        {
            if (_totals.TryGetValue(value, out var done)) return done;
            if (!_parts.TryGetValue(value, out var parts)) return null;
            // dL/dv = sum over the uses of v
            string total = reserved.TryGetValue(value, out var name)
                ? b.Op(parts.Count == 1 ? "Identity" : "Sum", parts.ToArray(), name)
                : parts.Count == 1 ? parts[0] : b.Op("Sum", parts.ToArray(), b.Fresh(GradName(value)));
            _totals[value] = total;
            return total;
        }
    }
}
