using System.Globalization;

namespace OnnxTrainer.Onnx;

/// <summary>
/// The one way graphs are made: adds nodes with deterministic names under a name scope, infers and records
/// the type of every value it creates, and deduplicates constants. The same calls give the same graph.
/// </summary>
public sealed class GraphBuilder
{
    private readonly Stack<string> _scopes = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Starts a new, empty graph named <paramref name="graphName"/>.</summary>
    public GraphBuilder(string graphName) : this(new Graph { Name = graphName }) { }

    /// <summary>Continues building on an existing graph (passes extend graphs this way).</summary>
    public GraphBuilder(Graph graph)
    {
        Graph = graph;
        foreach (var v in graph.Inputs) _names.Add(v.Name);
        foreach (var t in graph.Initializers) _names.Add(t.Name);
        foreach (var n in graph.Nodes)
        {
            _names.Add(n.Name);
            foreach (var o in n.Outputs) _names.Add(o);
        }
    }

    /// <summary>The graph being built (edited in place).</summary>
    public Graph Graph { get; }

    /// <summary>The innermost name scope, for example "block1/conv1"; "" outside any scope.</summary>
    public string CurrentScope => _scopes.Count == 0 ? "" : _scopes.Peek();

    /// <summary>Names made inside the scope start with "name/" (nested scopes join with '/').</summary>
    public IDisposable Scope(string name)
    {
        _scopes.Push(CurrentScope.Length == 0 ? name : CurrentScope + "/" + name);
        return new PopScope(_scopes);
    }

    /// <summary>The type of a value of the graph.</summary>
    /// <exception cref="KeyNotFoundException">The graph has no value <paramref name="value"/>.</exception>
    public TensorType TypeOf(string value) => Graph.TypeOf(value);

    /// <summary>The dims of a value of the graph (<see cref="TensorType.Batch"/> for the batch dimension).</summary>
    /// <exception cref="KeyNotFoundException">The graph has no value <paramref name="value"/>.</exception>
    public long[] DimsOf(string value) => Graph.TypeOf(value).Dims;

    /// <summary>Adds a graph input under the exact name <paramref name="name"/> and returns that name.</summary>
    /// <exception cref="InvalidOperationException">The graph already has a value of that name.</exception>
    public string Input(string name, TensorType type)
    {
        Claim(name);
        Graph.Inputs.Add(new ValueInfo(name, type));
        Graph.Types[name] = type;
        return name;
    }

    /// <summary>Marks an existing value as a graph output, with its recorded type.</summary>
    /// <exception cref="KeyNotFoundException">The graph has no value <paramref name="value"/>.</exception>
    public void Output(string value) => Graph.Outputs.Add(new ValueInfo(value, Graph.TypeOf(value)));

    /// <summary>Adds an initializer under its own (exact) name.</summary>
    /// <exception cref="InvalidOperationException">The graph already has a value of that name.</exception>
    public string Initializer(Tensor tensor)
    {
        Claim(tensor.Name);
        Graph.Initializers.Add(tensor);
        Graph.Types[tensor.Name] = tensor.Type;
        return tensor.Name;
    }

    /// <summary>A float scalar constant, shared by every use of the same value.</summary>
    public string Const(float value) => SharedConst($"const/{Fmt(value)}", () => Tensor.FromFloats("", [value]));

    /// <summary>An int64 vector constant (axes, shapes, perms), shared by every use of the same values.</summary>
    public string Ints(params long[] values) =>
        SharedConst($"const/i64[{string.Join(",", values)}]", () => Tensor.FromInt64s("", values, values.Length));

    /// <summary>A float vector constant, shared by every use of the same values (OneHot's off/on values).</summary>
    public string ConstFloats(params float[] values) =>
        SharedConst($"const/f32[{string.Join(",", values.Select(Fmt))}]", () => Tensor.FromFloats("", values, values.Length));

    /// <summary>An int64 scalar constant.</summary>
    public string Int(long value) =>
        SharedConst($"const/i64:{value}", () => Tensor.FromInt64s("", [value]));

    /// <summary>A float constant of the given shape.</summary>
    public string Floats(string name, float[] values, params long[] dims) =>
        Initializer(Tensor.FromFloats(Fresh(name), values, dims));

    private string SharedConst(string name, Func<Tensor> make)
    {
        if (Graph.Types.ContainsKey(name)) return name;
        return Initializer(make().Rename(name));
    }

    /// <summary>
    /// Adds a node. Output names are <paramref name="outputs"/> when given, else "scope/optype" made unique.
    /// Output types are inferred unless <paramref name="types"/> gives them.
    /// </summary>
    /// <returns>The output names; "" where <paramref name="outputs"/> asked for an omitted output.</returns>
    /// <exception cref="InvalidOperationException">An input is not a value of the graph, an output name is taken, or the op has no shape rule for these inputs and <paramref name="types"/> is null.</exception>
    public string[] Node(string opType, IReadOnlyList<string> inputs, int outputCount = 1,
        IReadOnlyList<NodeAttribute>? attributes = null, IReadOnlyList<string>? outputs = null,
        IReadOnlyList<TensorType>? types = null)
    {
        foreach (var i in inputs)
            if (i.Length > 0 && !Graph.Types.ContainsKey(i))
                throw new InvalidOperationException($"{opType}: input '{i}' is not a value of graph '{Graph.Name}'.");
        var outNames = new string[outputs?.Count ?? outputCount];
        for (int k = 0; k < outNames.Length; k++)
        {
            string? wanted = outputs?[k];
            if (wanted is { Length: > 0 }) { Claim(wanted); outNames[k] = wanted; }
            else outNames[k] = wanted == "" ? "" : Fresh(Prefixed(opType.ToLowerInvariant() + (k == 0 ? "" : $"_out{k}")));
        }
        string nodeName = outNames.FirstOrDefault(o => o.Length > 0) ?? Fresh(Prefixed(opType.ToLowerInvariant()));
        if (!_names.Contains(nodeName)) _names.Add(nodeName);
        var node = new Node(nodeName, opType, inputs.ToArray(), outNames, attributes);
        var inferred = types ?? ShapeInference.Infer(node, Graph);
        for (int k = 0; k < outNames.Length; k++)
            if (outNames[k].Length > 0) Graph.Types[outNames[k]] = inferred[k];
        Graph.Nodes.Add(node);
        return outNames;
    }

    /// <summary>Adds a one-output node and returns its output name.</summary>
    /// <exception cref="InvalidOperationException">An input is not a value of the graph, <paramref name="output"/> is taken, or the output type cannot be inferred.</exception>
    public string Op(string opType, IReadOnlyList<string> inputs, string? output = null, params NodeAttribute[] attributes) =>
        Node(opType, inputs, 1, attributes, output is null ? null : [output])[0];

    /// <summary>An int attribute.</summary>
    public static NodeAttribute A(string name, long value) => new(name, value);
    /// <summary>A float attribute.</summary>
    public static NodeAttribute A(string name, float value) => new(name, value);
    /// <summary>A string attribute.</summary>
    public static NodeAttribute A(string name, string value) => new(name, value);
    /// <summary>An ints attribute.</summary>
    public static NodeAttribute A(string name, long[] value) => new(name, value);

    /// <summary><paramref name="name"/> under the current scope ("scope/name"); not made unique (see <see cref="Fresh"/>).</summary>
    public string Prefixed(string name) => CurrentScope.Length == 0 ? name : CurrentScope + "/" + name;

    /// <summary>A name not used yet: the given one, or it with "_2", "_3", ... appended.</summary>
    public string Fresh(string name)
    {
        if (_names.Add(name)) return name;
        for (int k = 2; ; k++)
            if (_names.Add($"{name}_{k}")) return $"{name}_{k}";
    }

    private void Claim(string name)
    {
        if (!_names.Add(name) && Graph.Types.ContainsKey(name))
            throw new InvalidOperationException($"Graph '{Graph.Name}' already has a value named '{name}'.");
    }

    private static string Fmt(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private sealed class PopScope(Stack<string> scopes) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            scopes.Pop();
        }
    }
}
