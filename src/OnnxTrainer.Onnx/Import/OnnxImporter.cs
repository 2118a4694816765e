using Onnx;

namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// Reads any ONNX image model (IR 3+, opset 7+, default domain) into our form: opset 18 nodes, weights as
/// initializers, one NCHW image input with a symbolic batch, every value typed by <see cref="ShapeInference"/>.
/// Refusals are <see cref="ImportException"/>s with one line naming the file, node or op and what to do.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Reads and imports the ONNX model file at <paramref name="path"/> (external data files beside it).</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="options">What the import may change (input size, global pooling, fixed batch); null for none.</param>
    /// <exception cref="ImportException">The file is missing or unreadable, is not an ONNX model, or holds something the importer does not support (the message names it).</exception>
    public static ImportedModel Import(string path, ImportOptions? options = null)
    {
        string source = Path.GetFileName(path);
        ModelProto proto;
        try
        {
            proto = OnnxModel.ReadProto(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ImportException(e.Message, e);
        }
        return Import(proto, source, options, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Imports an ONNX model already read into its protobuf message.</summary>
    /// <param name="proto">The model message.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <param name="options">What the import may change (input size, global pooling, fixed batch).</param>
    /// <param name="baseDirectory">Where external data files are (the model's folder); null refuses external data.</param>
    /// <exception cref="ImportException">The options are inconsistent, or the model holds something the importer does not support (the message names it).</exception>
    public static ImportedModel Import(ModelProto proto, string source, ImportOptions? options = null, string? baseDirectory = null)
    {
        options ??= new ImportOptions();
        if (options.Height is null != options.Width is null)
            throw new ImportException("give both the input height and width, or neither.");
        if (options.Height is < 1 or > 16384 || options.Width is < 1 or > 16384)
            throw new ImportException($"the input size {options.Height}x{options.Width} is out of range: height and width must be 1 to 16384.");
        int fileOpset = ImportCheck.Validate(proto, source, options);
        var changes = new ImportChanges();
        Graph g;
        try
        {
            g = OnnxModel.FromProto(proto, baseDirectory);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or InvalidOperationException or IOException)
        {
            throw new ImportException($"{source}: {e.Message}", e);
        }
        if (fileOpset != OnnxModel.DefaultOpset) changes.Add($"opset {fileOpset} nodes written in their opset {OnnxModel.DefaultOpset} form");
        ConstantsToInitializers(g, changes);
        DefaultsToWeights(g, changes);
        var (x, layout) = ImageInput.Find(g, source);
        var fileDims = layout == ImageLayout.Nhwc ? new[] { x.Type.Dims[0], x.Type.Dims[3], x.Type.Dims[1], x.Type.Dims[2] } : x.Type.Dims;
        CheckWeights(g, x.Name, source);
        if (layout == ImageLayout.Nhwc) ToNchw(g, x.Name, changes);

        bool fileSized = fileDims[2] > 0 && fileDims[3] > 0;
        long height = options.Height ?? (fileSized ? fileDims[2] : throw NoSize(source, x, fileDims));
        long width = options.Width ?? fileDims[3];
        if (height > 16384 || width > 16384)
            throw new ImportException($"{source}: input '{x.Name}' {x.Type.ShapeText} is larger than 16384x16384; give a smaller input size to import at.");
        long? fileBatch = fileDims[0] >= 0 ? fileDims[0] : null;
        long batch = options.FixedBatch && fileBatch is not null ? fileBatch.Value : TensorType.Batch;
        if (batch == TensorType.Batch && fileBatch is not null) changes.Add($"the fixed batch size {fileBatch} became symbolic (N)");
        if (fileSized && (height != fileDims[2] || width != fileDims[3]))
            changes.Add($"input size {fileDims[2]}x{fileDims[3]} became {height}x{width}");

        // At the file's own size first, to find pooling windows that fit only that size.
        Dictionary<string, long[]>? wholeMap = null;
        if (fileSized && (options.GlobalPooling || height != fileDims[2] || width != fileDims[3]))
        {
            var probe = new ShapePass(g.Clone(), x.Name, [batch, fileDims[1], fileDims[2], fileDims[3]], fileBatch, fileOpset, source,
                options with { GlobalPooling = false }, new ImportChanges());
            probe.Run();
            wholeMap = probe.WholeMapPools;
        }
        var pass = new ShapePass(g, x.Name, [batch, fileDims[1], height, width], fileBatch, fileOpset, source, options, changes)
        {
            FileSize = fileSized ? [fileDims[2], fileDims[3]] : null,
        };
        pass.Run(wholeMap);
        g.Opset = OnnxModel.DefaultOpset;
        int index = g.Inputs.FindIndex(v => v.Name == x.Name);
        g.Inputs[index] = new ValueInfo(x.Name, g.TypeOf(x.Name));
        return new ImportedModel(g, x.Name, layout, (int)fileDims[1], (int)height, (int)width,
            g.Outputs.Select(o => o.Name).ToList(), changes.Lines());
    }

    private static ImportException NoSize(string source, ValueInfo x, long[] dims) =>
        new($"{source}: input '{x.Name}' {x.Type.ShapeText} has no fixed height and width; give the input size to import at.");

    /// <summary>Constant nodes (value, value_float(s), value_int(s)) become initializers named after their output.</summary>
    private static void ConstantsToInitializers(Graph g, ImportChanges changes)
    {
        foreach (var n in g.Nodes.Where(n => n.OpType == "Constant").ToList())
        {
            string name = n.Outputs[0];
            var a = n.Attributes.Count == 1 ? n.Attributes[0] : null;
            Tensor t = (a?.Name, a?.Value) switch
            {
                ("value", Tensor v) => v.Rename(name),
                ("value_float", float f) => Tensor.FromFloats(name, [f]),
                ("value_floats", float[] f) => Tensor.FromFloats(name, f, f.Length),
                ("value_int", long i) => Tensor.FromInt64s(name, [i]),
                ("value_ints", long[] i) => Tensor.FromInt64s(name, i, i.Length),
                _ => throw new ImportException($"Constant node '{n.Name}' has an unsupported value ({string.Join(", ", n.Attributes.Select(x => x.Name))})."),
            };
            g.Nodes.Remove(n);
            g.Initializers.Add(t);
            changes.Add("Constant node became an initializer", n.Name.Length > 0 ? n.Name : name);
        }
    }

    /// <summary>
    /// IR 4+ graph inputs that have an initializer are inputs with a default value; in an image model they are weights
    /// (IR 3 files list every weight among the inputs, and <see cref="OnnxModel.FromProto"/> already reads those as weights).
    /// </summary>
    private static void DefaultsToWeights(Graph g, ImportChanges changes)
    {
        var weights = g.Initializers.Select(t => t.Name).ToHashSet();
        foreach (var v in g.Inputs.Where(v => weights.Contains(v.Name)).ToList())
        {
            g.Inputs.Remove(v);
            changes.Add($"graph input with a default value became a weight", v.Name);
        }
    }

    /// <summary>Every node input must be the image input, an initializer, or an earlier node's output.</summary>
    private static void CheckWeights(Graph g, string input, string source)
    {
        var known = g.Initializers.Select(t => t.Name).Append(input).ToHashSet();
        var produced = g.Nodes.SelectMany(n => n.Outputs).ToHashSet();
        foreach (var n in g.Nodes)
        {
            foreach (var i in n.Inputs.Where(i => i.Length > 0 && !known.Contains(i)))
                throw new ImportException(produced.Contains(i)
                    ? $"{source}: node '{n.Name}' ({n.OpType}) reads '{i}' before the node that produces it; the nodes are not in topological order."
                    : $"{source}: node '{n.Name}' ({n.OpType}) reads '{i}', which is neither a weight (initializer), nor the image input '{input}', nor any node's output: the file lacks weights; export the model with its parameters.");
            known.UnionWith(n.Outputs.Where(o => o.Length > 0));
        }
        foreach (var o in g.Outputs.Where(o => !known.Contains(o.Name)))
            throw new ImportException($"{source}: graph output '{o.Name}' is produced by no node.");
    }

    /// <summary>An NHWC image input becomes NCHW, followed by a Transpose to the NHWC value the file's nodes read.</summary>
    private static void ToNchw(Graph g, string input, ImportChanges changes)
    {
        string nhwc = input + "/nhwc";
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            var n = g.Nodes[i];
            if (n.Inputs.Contains(input))
                g.Nodes[i] = new Node(n.Name, n.OpType, n.Inputs.Select(v => v == input ? nhwc : v).ToArray(), n.Outputs, n.Attributes, n.Domain);
        }
        g.Nodes.Insert(0, new Node(nhwc, "Transpose", [input], [nhwc], [new NodeAttribute("perm", new long[] { 0, 2, 3, 1 })]));
        changes.Add($"NHWC image input '{input}' became NCHW, transposed to NHWC for the file's nodes");
    }
}
