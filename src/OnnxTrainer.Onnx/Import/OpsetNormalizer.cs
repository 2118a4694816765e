using OnnxTrainer.Onnx;

namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// Rewrites one node of an opset 7+ file into its opset 18 form: attributes that later opsets take as inputs become
/// int64/float initializers, old attributes go, auto_pad becomes explicit pads, Dropout becomes Identity. Runs in
/// topological order, after the node's inputs are typed (auto_pad and Split need their sizes).
/// </summary>
internal sealed class OpsetNormalizer(Graph graph, int fileOpset, string source, ImportChanges changes, HashSet<string> used)
{
    public Node Normalize(Node n) => n.OpType switch
    {
        "Conv" or "MaxPool" or "AveragePool" => ExplicitPads(n),
        "BatchNormalization" => BatchNorm(n),
        "Reshape" when n.Has("shape") => AttributeToInput(n, "shape", 1, v => Ints(n, "shape", v)),
        "Pad" when fileOpset < 11 => Pad(n),
        "Split" => Split(n),
        "Squeeze" or "Unsqueeze" when n.Has("axes") => AttributeToInput(n, "axes", 1, v => Ints(n, "axes", v)),
        "ReduceMean" or "ReduceSum" or "ReduceMax" when n.Has("axes") => AttributeToInput(n, "axes", 1, v => Ints(n, "axes", v)),
        "Clip" when fileOpset < 11 => Clip(n),
        "Slice" when fileOpset < 10 => Slice(n),
        "Dropout" => Dropout(n),
        "Softmax" or "LogSoftmax" when fileOpset < 13 => SoftmaxAxis(n),
        "Gemm" when n.Has("broadcast") => Drop(n, "broadcast"),
        _ => n,
    };

    private string Label(Node n) => n.Name.Length > 0 ? n.Name : n.Outputs[0];

    private string Where(Node n) => $"{source}: node '{Label(n)}' ({n.OpType})";

    private static Node With(Node n, IReadOnlyList<NodeAttribute> attributes, IReadOnlyList<string>? inputs = null,
        string? op = null, IReadOnlyList<string>? outputs = null) =>
        new(n.Name, op ?? n.OpType, inputs ?? n.Inputs, outputs ?? n.Outputs, attributes, n.Domain);

    private Node Drop(Node n, params string[] names)
    {
        foreach (var a in names.Where(n.Has)) changes.Add($"{n.OpType}: dropped the old attribute '{a}'", Label(n));
        return With(n, n.Attributes.Where(a => !names.Contains(a.Name)).ToArray());
    }

    /// <summary>A new initializer named after the node, unique in the graph.</summary>
    private string AddConstant(Node n, string what, Tensor data)
    {
        string name = $"{Label(n)}/{what}";
        for (int k = 2; graph.Types.ContainsKey(name); k++) name = $"{Label(n)}/{what}{k}";
        var t = data.Rename(name);
        graph.Initializers.Add(t);
        graph.Types[name] = t.Type;
        return name;
    }

    private string Ints(Node n, string what, long[] values) =>
        AddConstant(n, what, Tensor.FromInt64s("", values, values.Length));

    private string Scalar(Node n, string what, float value) => AddConstant(n, what, Tensor.FromFloats("", [value]));

    /// <summary>Moves an ints attribute to input <paramref name="index"/> (opset 13/18 form).</summary>
    private Node AttributeToInput(Node n, string attribute, int index, Func<long[], string> constant)
    {
        var inputs = n.Inputs.ToList();
        while (inputs.Count < index) inputs.Add("");
        inputs.Insert(index, constant(n.Ints(attribute, [])));
        changes.Add($"{n.OpType}: attribute '{attribute}' became an input", Label(n));
        return With(n, n.Attributes.Where(a => a.Name != attribute).ToArray(), inputs);
    }

    private Node ExplicitPads(Node n)
    {
        string mode = n.Str("auto_pad", "NOTSET");
        if (mode == "NOTSET") return n.Has("auto_pad") ? With(n, n.Attributes.Where(a => a.Name != "auto_pad").ToArray()) : n;
        var x = graph.TypeOf(n.Inputs[0]).Dims;
        var spatial = x[2..];
        if (spatial.Any(d => d < 0))
            throw new ImportException($"{Where(n)}: auto_pad {mode} needs a known input size, got {TensorType.Float(x).ShapeText}.");
        var kernel = n.OpType == "Conv" && !n.Has("kernel_shape") ? graph.TypeOf(n.Inputs[1]).Dims[2..] : n.Ints("kernel_shape", []);
        var ones = Enumerable.Repeat(1L, spatial.Length).ToArray();
        var pads = AutoPad.Pads(mode, spatial, kernel, n.Ints("strides", ones), n.Ints("dilations", ones));
        changes.Add($"{n.OpType}: auto_pad {mode} became explicit pads", Label(n));
        var attrs = n.Attributes.Where(a => a.Name is not ("auto_pad" or "pads")).ToList();
        attrs.Add(new NodeAttribute("pads", pads));
        return With(n, attrs);
    }

    /// <summary>Inference form: one output (Y); spatial/is_test/consumed_inputs of opsets 7-8 dropped, momentum kept.</summary>
    private Node BatchNorm(Node n)
    {
        if (n.Int("spatial", 1) == 0)
            throw new ImportException($"{Where(n)}: spatial=0 (statistics per activation, not per channel) is not supported.");
        if (n.Int("training_mode", 0) != 0)
            throw new ImportException($"{Where(n)}: training_mode=1 in a model file is not supported; export the model in inference mode.");
        var extra = n.Outputs.Skip(1).Where(o => o.Length > 0).ToList();
        if (extra.Any(used.Contains))
            throw new ImportException($"{Where(n)}: its running statistics output '{extra.First(used.Contains)}' is read by the graph; only the inference form (one output) is supported.");
        if (extra.Count > 0) changes.Add("BatchNormalization: dropped the unused training outputs", Label(n));
        var node = Drop(n, "spatial", "is_test", "consumed_inputs", "training_mode");
        return With(node, node.Attributes, outputs: [n.Outputs[0]]);
    }

    /// <summary>Opset 2-10 Pad: pads and value attributes -> inputs.</summary>
    private Node Pad(Node n)
    {
        var inputs = new List<string> { n.Inputs[0], Ints(n, "pads", n.Ints("pads", [])) };
        float value = n.Float("value", 0f);
        if (value != 0f) inputs.Add(Scalar(n, "value", value));
        changes.Add("Pad: attributes 'pads' and 'value' became inputs", Label(n));
        return With(n, n.Attributes.Where(a => a.Name is not ("pads" or "value")).ToArray(), inputs);
    }

    /// <summary>Split sizes as an input, computed from the equal split when the file gives none (opset 18 needs one or num_outputs).</summary>
    private Node Split(Node n)
    {
        if (n.Inputs.Count > 1 && n.Inputs[1].Length > 0) return n;
        var x = graph.TypeOf(n.Inputs[0]).Dims;
        int axis = (int)n.Int("axis", 0);
        if (axis < 0) axis += x.Length;
        long[] sizes;
        if (n.Has("split")) sizes = n.Ints("split", []);
        else
        {
            long d = x[axis], k = n.Outputs.Count;
            if (d < 0 || d % k != 0)
                throw new ImportException($"{Where(n)}: cannot split axis {axis} of {TensorType.Float(x).ShapeText} into {k} equal parts.");
            sizes = Enumerable.Repeat(d / k, (int)k).ToArray();
        }
        changes.Add("Split: split sizes became an input", Label(n));
        return With(n, n.Attributes.Where(a => a.Name != "split").ToArray(), [n.Inputs[0], Ints(n, "split", sizes)]);
    }

    /// <summary>Opset 6-10 Clip: min and max attributes -> inputs (absent: omitted, no bound).</summary>
    private Node Clip(Node n)
    {
        var inputs = new List<string> { n.Inputs[0] };
        inputs.Add(n.Has("min") ? Scalar(n, "min", n.Float("min", 0)) : "");
        if (n.Has("max")) inputs.Add(Scalar(n, "max", n.Float("max", 0)));
        changes.Add("Clip: attributes 'min' and 'max' became inputs", Label(n));
        return With(n, n.Attributes.Where(a => a.Name is not ("min" or "max")).ToArray(), inputs);
    }

    /// <summary>Opset 1-9 Slice: starts, ends, axes attributes -> inputs.</summary>
    private Node Slice(Node n)
    {
        var inputs = new List<string> { n.Inputs[0], Ints(n, "starts", n.Ints("starts", [])), Ints(n, "ends", n.Ints("ends", [])) };
        if (n.Has("axes")) inputs.Add(Ints(n, "axes", n.Ints("axes", [])));
        changes.Add("Slice: attributes 'starts', 'ends' and 'axes' became inputs", Label(n));
        return With(n, [], inputs);
    }

    private Node Dropout(Node n)
    {
        if (n.Outputs.Count > 1 && n.Outputs[1].Length > 0 && used.Contains(n.Outputs[1]))
            throw new ImportException($"{Where(n)}: its mask output '{n.Outputs[1]}' is read by the graph; only inference Dropout is supported.");
        changes.Add("Dropout became Identity (inference)", Label(n));
        return With(n, [], [n.Inputs[0]], "Identity", [n.Outputs[0]]);
    }

    /// <summary>
    /// Before opset 13, Softmax coerced its input to 2-D at axis (default 1); that equals the opset 13 form only when
    /// axis is the last axis.
    /// </summary>
    private Node SoftmaxAxis(Node n)
    {
        var x = graph.TypeOf(n.Inputs[0]);
        long axis = n.Int("axis", 1);
        if (axis < 0) axis += x.Rank;
        if (axis != x.Rank - 1)
            throw new ImportException(
                $"{Where(n)}: opset {fileOpset} {n.OpType} flattens its {x.ShapeText} input to 2-D at axis {axis}; only a {n.OpType} over the last axis is supported. Cut the network before it.");
        var attrs = n.Attributes.Where(a => a.Name != "axis").Append(new NodeAttribute("axis", axis)).ToArray();
        return With(n, attrs);
    }
}
