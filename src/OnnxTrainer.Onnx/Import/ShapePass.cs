namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// One walk over an imported graph in topological order at a given input shape: each node is normalized to opset 18
/// (<see cref="OpsetNormalizer"/>), whole-map pooling windows are checked or made global, Reshape shapes that fix the
/// batch are made to copy it, and every output is typed by shape inference.
/// </summary>
internal sealed class ShapePass(Graph g, string input, long[] inputDims, long? fileBatch, int fileOpset, string source,
    ImportOptions options, ImportChanges changes)
{
    private const long N = TensorType.Batch;

    /// <summary>Pooling nodes whose window covers their whole input at the file's size, with that window.</summary>
    public Dictionary<string, long[]> WholeMapPools { get; } = new(StringComparer.Ordinal);

    /// <summary>The file's input height and width (for messages).</summary>
    public long[]? FileSize { get; init; }

    public void Run(IReadOnlyDictionary<string, long[]>? wholeMap = null)
    {
        g.Types.Clear();
        foreach (var t in g.Initializers) g.Types[t.Name] = t.Type;
        g.Types[input] = TensorType.Float(inputDims);
        var useCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in g.Nodes.SelectMany(n => n.Inputs).Concat(g.Outputs.Select(o => o.Name)))
            useCount[i] = useCount.GetValueOrDefault(i) + 1;
        var normalizer = new OpsetNormalizer(g, fileOpset, source, changes, useCount.Keys.ToHashSet());
        var nodes = g.Nodes.ToList();
        g.Nodes.Clear();
        foreach (var original in nodes)
        {
            var n = original;
            try
            {
                n = normalizer.Normalize(original);
                if (wholeMap is not null && wholeMap.TryGetValue(Label(original), out var kernel)) n = Globalize(n, kernel);
                if (!options.FixedBatch && n.OpType == "Reshape") n = BatchReshape(n, useCount);
                var types = ImportShapes.Infer(n, g);
                if (n.OpType == "Reshape") CheckReshape(n, types[0]);
                if (!options.FixedBatch) CheckBatch(n, types);
                for (int k = 0; k < n.Outputs.Count && k < types.Length; k++)
                    if (n.Outputs[k].Length > 0) g.Types[n.Outputs[k]] = types[k];
                RecordWholeMap(n);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException
                or KeyNotFoundException or InvalidCastException or OverflowException)
            {
                // A malformed node (missing inputs, wrong attribute types) or shapes that do not fit: one line naming it.
                throw new ImportException($"{source}: node '{Label(n)}' ({n.OpType}): {e.Message.ReplaceLineEndings(" ").TrimEnd('.')}{SizeHint(n)}.", e);
            }
            g.Nodes.Add(n);
        }
        for (int i = 0; i < g.Outputs.Count; i++)
            g.Outputs[i] = new ValueInfo(g.Outputs[i].Name, g.TypeOf(g.Outputs[i].Name));
    }

    private static string Label(Node n) => n.Name.Length > 0 ? n.Name : n.Outputs[0];

    private void RecordWholeMap(Node n)
    {
        if (n.OpType is not ("AveragePool" or "MaxPool")) return;
        var x = g.TypeOf(n.Inputs[0]).Dims[2..];
        var kernel = n.Ints("kernel_shape", []);
        if (n.Ints("pads", []).All(p => p == 0) && x.SequenceEqual(kernel) && kernel.Any(k => k > 1))
            WholeMapPools[Label(n)] = kernel;
    }

    /// <summary>A window that covered the whole map at the file's size: made global on request, else it must still fit.</summary>
    private Node Globalize(Node n, long[] kernel)
    {
        var x = g.TypeOf(n.Inputs[0]).Dims[2..];
        if (options.GlobalPooling)
        {
            string op = n.OpType == "AveragePool" ? "GlobalAveragePool" : "GlobalMaxPool";
            changes.Add($"{n.OpType} with a fixed {string.Join("x", kernel)} window over its whole input became {op}", Label(n));
            return new Node(n.Name, op, [n.Inputs[0]], [n.Outputs[0]], [], n.Domain);
        }
        if (x.SequenceEqual(kernel)) return n;
        string file = FileSize is null ? "the file's input size" : $"the file's {FileSize[0]}x{FileSize[1]} input";
        throw new ImportException(
            $"{source}: node '{Label(n)}' ({n.OpType}) has a fixed {string.Join("x", kernel)} window that covers its whole input only at {file}; at {inputDims[2]}x{inputDims[3]} its input is {string.Join("x", x)}. Import with {options.GlobalPoolingHint} to make it {(n.OpType == "AveragePool" ? "GlobalAveragePool" : "GlobalMaxPool")}, or keep the file's input size.");
    }

    /// <summary>A Reshape whose constant shape starts with the file's fixed batch size copies the batch instead (0).</summary>
    private Node BatchReshape(Node n, Dictionary<string, int> useCount)
    {
        var x = g.TypeOf(n.Inputs[0]).Dims;
        var shape = n.Inputs.Count > 1 ? g.FindInitializer(n.Inputs[1]) : null;
        if (fileBatch is null || x.Length == 0 || x[0] != N || shape is null || shape.Elem != ElementType.Int64) return n;
        var s = shape.Int64s;
        if (s.Length == 0 || s[0] != fileBatch) return n;
        var copy = (long[])s.Clone();
        copy[0] = 0;
        string name = shape.Name;
        if (useCount.GetValueOrDefault(name) == 1) g.SetInitializer(Tensor.FromInt64s(name, copy, copy.Length));
        else
        {
            name = $"{Label(n)}/batch_shape";
            for (int k = 2; g.Types.ContainsKey(name); k++) name = $"{Label(n)}/batch_shape{k}";
            g.Initializers.Add(Tensor.FromInt64s(name, copy, copy.Length));
            g.Types[name] = TensorType.Int64(copy.Length);
        }
        changes.Add($"Reshape: a leading {fileBatch} (the fixed batch) in the shape became 0 (copy the batch)", Label(n));
        return new Node(n.Name, n.OpType, [n.Inputs[0], name, .. n.Inputs.Skip(2)], n.Outputs, n.Attributes, n.Domain);
    }

    /// <summary>Elements per example of a static shape (the batch counted as one), or null when a dimension is unknown.</summary>
    private static long? PerExample(TensorType t) =>
        t.Dims.Skip(1).Any(d => d < 0) || t.Rank == 0 ? null : t.Dims.Skip(1).Aggregate(1L, (a, d) => a * d) * (t.Dims[0] == N ? 1 : t.Dims[0]);

    /// <summary>A Reshape must keep the element count; a constant shape made for another input size does not.</summary>
    private void CheckReshape(Node n, TensorType output)
    {
        var input = g.TypeOf(n.Inputs[0]);
        long? a = PerExample(input), b = PerExample(output);
        if (a is null || b is null || a == b || (input.Dims[0] == N) != (output.Dims[0] == N)) return;
        throw new ImportException(
            $"{source}: node '{Label(n)}' (Reshape) turns {input.ShapeText} into {output.ShapeText}: its constant shape fits another input size{SizeHint(n)}. Keep the file's input size, or cut the network before it with {options.CutHint}.");
    }

    /// <summary>When the input size was changed: names the constant input that was made for the file's size.</summary>
    private string SizeHint(Node n)
    {
        if (FileSize is null || (FileSize[0] == inputDims[2] && FileSize[1] == inputDims[3])) return "";
        var constant = n.Inputs.Select(g.FindInitializer).FirstOrDefault(t => t is { Dims.Length: >= 2 } && t.Dims[^2..].SequenceEqual(FileSize));
        return constant is null
            ? $" (the file was made for {FileSize[0]}x{FileSize[1]} input)"
            : $" (the constant '{constant.Name}' {constant.Type.ShapeText} was made for the file's {FileSize[0]}x{FileSize[1]} input)";
    }

    /// <summary>An op that reads the batch dimension and loses it has a batch size built in: refuse rather than mis-shape.</summary>
    private void CheckBatch(Node n, TensorType[] types)
    {
        bool readsBatch = n.Inputs.Any(i => i.Length > 0 && g.TypeOf(i) is { Rank: > 0 } t && t.Dims[0] == N);
        if (!readsBatch || types.Length == 0 || types[0].Rank == 0 || types[0].Dims[0] == N) return;
        throw new ImportException(
            $"{source}: node '{Label(n)}' ({n.OpType}) turns the symbolic batch into {types[0].ShapeText}: the batch size is built into it. Import with a fixed batch, or cut the network before it with {options.CutHint}.");
    }
}
