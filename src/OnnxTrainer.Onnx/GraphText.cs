using System.Globalization;
using System.Text;

namespace OnnxTrainer.Onnx;

/// <summary>
/// The reviewable text form of a graph (the onnx-graphs/ snapshots): inputs, initializers with their shapes
/// (constants of a few values also show them; weights never do), one node per line, outputs, metadata.
/// </summary>
public static class GraphText
{
    private const int MaxInlineValues = 8;

    /// <summary>The text form of <paramref name="g"/>, one line per metadata entry, input, initializer, node and output ("\n" line ends).</summary>
    public static string Render(Graph g)
    {
        var sb = new StringBuilder();
        sb.Append("graph ").Append(g.Name).Append(" (opset ").Append(g.Opset).Append(")\n");
        foreach (var (k, v) in g.Metadata) sb.Append("meta ").Append(k).Append(" = ").Append(v.Replace("\n", "\\n")).Append('\n');
        foreach (var v in g.Inputs) sb.Append("input ").Append(v.Name).Append(": ").Append(v.Type).Append('\n');
        foreach (var t in g.Initializers)
        {
            sb.Append("init ").Append(t.Name).Append(": ").Append(t.Type);
            if (t.Name.StartsWith("const/", StringComparison.Ordinal) && t.ElementCount <= MaxInlineValues)
                sb.Append(" = ").Append(Values(t.Data));
            sb.Append('\n');
        }
        foreach (var n in g.Nodes)
        {
            sb.Append(string.Join(", ", n.Outputs.Select(o => o.Length == 0 ? "_" : $"{o}: {Type(g, o)}")));
            sb.Append(" = ").Append(n.OpType).Append('(').Append(string.Join(", ", n.Inputs.Select(i => i.Length == 0 ? "_" : i))).Append(')');
            if (n.Attributes.Count > 0)
                sb.Append(" {").Append(string.Join(", ", n.Attributes.Select(a => $"{a.Name}={Attr(a.Value)}"))).Append('}');
            sb.Append('\n');
        }
        foreach (var v in g.Outputs) sb.Append("output ").Append(v.Name).Append(": ").Append(v.Type).Append('\n');
        return sb.ToString();
    }

    private static string Type(Graph g, string value) => g.Types.TryGetValue(value, out var t) ? t.ToString() : "?";

    private static string Attr(object v) => v switch
    {
        long i => i.ToString(CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        string s => "\"" + s + "\"",
        long[] a => "[" + string.Join(",", a) + "]",
        float[] a => "[" + string.Join(",", a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]",
        Tensor t => $"tensor {t.Type}" + (t.ElementCount <= MaxInlineValues ? " " + Values(t.Data) : ""),
        _ => v.ToString() ?? "",
    };

    private static string Values(Array data) =>
        "[" + string.Join(",", data.Cast<object>().Select(x => x is float f ? f.ToString("R", CultureInfo.InvariantCulture) : Convert.ToString(x, CultureInfo.InvariantCulture))) + "]";
}
