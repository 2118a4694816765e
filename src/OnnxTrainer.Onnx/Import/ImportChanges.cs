namespace OnnxTrainer.Onnx.Import;

/// <summary>What an import changed, one line per kind of change with the nodes it touched (for a summary).</summary>
public sealed class ImportChanges
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, List<string>> _nodes = new(StringComparer.Ordinal);

    /// <summary>Records one change of a kind (for example "BatchNormalization: dropped attribute spatial") at a node.</summary>
    public void Add(string change, string node = "")
    {
        if (!_nodes.TryGetValue(change, out var list))
        {
            _nodes[change] = list = [];
            _order.Add(change);
        }
        if (node.Length > 0) list.Add(node);
    }

    /// <summary>"change (3 nodes: a, b, c)", naming at most three nodes.</summary>
    public IReadOnlyList<string> Lines() => _order.Select(c =>
    {
        var n = _nodes[c];
        if (n.Count == 0) return c;
        string names = string.Join(", ", n.Take(3)) + (n.Count > 3 ? ", ..." : "");
        return $"{c} ({n.Count} node{(n.Count == 1 ? "" : "s")}: {names})";
    }).ToList();
}
