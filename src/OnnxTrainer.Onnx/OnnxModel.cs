using Google.Protobuf;
using Onnx;

namespace OnnxTrainer.Onnx;

/// <summary>
/// Converts between <see cref="Graph"/> and the ONNX ModelProto bytes ONNX Runtime loads. The messages are OnnxSharp's
/// (the complete ONNX definition, IR 3 to 10).
/// </summary>
public static class OnnxModel
{
    /// <summary>Opset 18: every Reduce* op takes its axes as an input.</summary>
    public const int DefaultOpset = 18;

    /// <summary>IR version 8 goes with opset 18 (ONNX 1.13).</summary>
    public const long IrVersion = 8;

    /// <summary>The producer_name written into every saved model.</summary>
    public const string Producer = "OnnxTrainer";

    /// <summary>The serialized ModelProto of <paramref name="graph"/> (IR <see cref="IrVersion"/>, the graph's opset).</summary>
    public static byte[] ToBytes(Graph graph) => ToProto(graph).ToByteArray();

    /// <summary>Writes <paramref name="graph"/> as an .onnx file, atomically through <see cref="Files.SafeFile"/>: a failed save leaves the old file untouched.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is a folder, device, FIFO or socket, or its folder does not exist.</exception>
    public static void Save(Graph graph, string path)
    {
        // A failed save leaves neither a partial file nor a temporary one, and the old file untouched.
        Files.SafeFile.WriteAllBytes(path, ToBytes(graph), "ONNX model file");
    }

    /// <summary>Reads an .onnx file; external data files are read from the model's folder.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or an initializer's data cannot be read.</exception>
    public static Graph Load(string path) => FromProto(ReadProto(path), Path.GetDirectoryName(Path.GetFullPath(path)));

    /// <summary>Parses a file's ModelProto; a file that is not one is an <see cref="InvalidDataException"/> naming it.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static ModelProto ReadProto(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' does not exist.", path);
        try
        {
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model: {e.Message}", e);
        }
    }

    /// <summary>The ModelProto of <paramref name="graph"/>: inputs, outputs, initializers as raw_data, nodes, metadata_props, and value_info for every typed intermediate.</summary>
    public static ModelProto ToProto(Graph graph)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = Producer,
            ProducerVersion = "1",
            Graph = new GraphProto { Name = graph.Name },
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = graph.Opset });
        foreach (var (k, v) in graph.Metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        var g = model.Graph;
        foreach (var v in graph.Inputs) g.Input.Add(ValueInfoToProto(v));
        foreach (var v in graph.Outputs) g.Output.Add(ValueInfoToProto(v));
        foreach (var t in graph.Initializers) g.Initializer.Add(TensorToProto(t));
        foreach (var n in graph.Nodes) g.Node.Add(NodeToProto(n));
        var declared = graph.Inputs.Concat(graph.Outputs).Select(v => v.Name).ToHashSet();
        foreach (var n in graph.Nodes)
            foreach (var o in n.Outputs)
                if (o.Length > 0 && !declared.Contains(o) && graph.Types.TryGetValue(o, out var t))
                    g.ValueInfo.Add(ValueInfoToProto(new ValueInfo(o, t)));
        return model;
    }

    /// <summary>The graph of serialized ModelProto bytes. Initializers kept in external data files cannot be read this way (use <see cref="Load"/>).</summary>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">The bytes are not a ModelProto.</exception>
    /// <exception cref="InvalidDataException">The model has no graph, or a value or initializer has an unsupported type.</exception>
    public static Graph FromBytes(byte[] bytes) => FromProto(ModelProto.Parser.ParseFrom(bytes));

    /// <summary>
    /// The graph of a ModelProto. A graph input that also has an initializer is, before IR version 4, a weight (IR 3
    /// lists every initializer among the inputs): it becomes an initializer only. From IR 4 on it is an input with a
    /// default value and stays both an input and an initializer. Initializers kept in external data files are read
    /// from <paramref name="baseDirectory"/> (the model file's folder).
    /// </summary>
    /// <exception cref="InvalidDataException">The model has no graph, a value is not a tensor, or an initializer's data is unsupported or cannot be read.</exception>
    public static Graph FromProto(ModelProto model, string? baseDirectory = null)
    {
        var g = model.Graph ?? throw new InvalidDataException("ONNX model has no graph.");
        var graph = new Graph { Name = g.Name };
        graph.Opset = (int)(model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? DefaultOpset);
        foreach (var kv in model.MetadataProps) graph.Metadata[kv.Key] = kv.Value;
        foreach (var t in g.Initializer)
        {
            var tensor = TensorFromProto(t, baseDirectory);
            graph.Initializers.Add(tensor);
            graph.Types[tensor.Name] = tensor.Type;
        }
        bool inputsHaveDefaults = model.IrVersion >= 4;
        foreach (var v in g.Input)
        {
            bool initialized = graph.Types.ContainsKey(v.Name);
            if (initialized && !inputsHaveDefaults) continue;
            var info = ValueInfoFromProto(v);
            graph.Inputs.Add(info);
            if (!initialized) graph.Types[info.Name] = info.Type;
        }
        foreach (var v in g.ValueInfo) graph.Types[v.Name] = ValueInfoFromProto(v).Type;
        foreach (var v in g.Output)
        {
            var info = ValueInfoFromProto(v);
            graph.Outputs.Add(info);
            graph.Types[info.Name] = info.Type;
        }
        foreach (var n in g.Node) graph.Nodes.Add(NodeFromProto(n));
        return graph;
    }

    private static ValueInfoProto ValueInfoToProto(ValueInfo v)
    {
        var shape = new TensorShapeProto();
        foreach (var d in v.Type.Dims)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (d >= 0) dim.DimValue = d;
            else if (d == TensorType.Batch) dim.DimParam = TensorType.BatchName;
            shape.Dim.Add(dim);
        }
        return new ValueInfoProto
        {
            Name = v.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)v.Type.Elem, Shape = shape } },
        };
    }

    private static ValueInfo ValueInfoFromProto(ValueInfoProto v)
    {
        var t = v.Type?.TensorType ?? throw new InvalidDataException($"ONNX value '{v.Name}' is not a tensor.");
        var dims = t.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue,
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => TensorType.Batch,
            _ => TensorType.Unknown,
        }).ToArray() ?? [];
        return new ValueInfo(v.Name, new TensorType((ElementType)t.ElemType, dims));
    }

    private static TensorProto TensorToProto(Tensor t)
    {
        var p = new TensorProto { Name = t.Name, DataType = (int)t.Elem, RawData = ByteString.CopyFrom(t.ToRawBytes()) };
        p.Dims.AddRange(t.Dims);
        return p;
    }

    /// <summary>A tensor from a TensorProto held in memory (raw_data or the typed data fields; not external data).</summary>
    /// <exception cref="InvalidDataException">The data type is unsupported, or the data is kept in an external file.</exception>
    public static Tensor TensorFromProto(TensorProto p) => TensorFromProto(p, null);

    private static Tensor TensorFromProto(TensorProto p, string? baseDirectory)
    {
        var elem = (ElementType)p.DataType;
        var dims = p.Dims.ToArray();
        if (p.DataLocation == TensorProto.Types.DataLocation.External)
            return Tensor.FromRawBytes(p.Name, elem, dims, ExternalData.Read(p, baseDirectory));
        if (!p.RawData.IsEmpty) return Tensor.FromRawBytes(p.Name, elem, dims, p.RawData.Span);
        Array data = elem switch
        {
            ElementType.Float => p.FloatData.ToArray(),
            ElementType.Int64 => p.Int64Data.ToArray(),
            ElementType.Int32 => p.Int32Data.ToArray(),
            ElementType.UInt8 => p.Int32Data.Select(i => (byte)i).ToArray(),
            ElementType.Bool => p.Int32Data.Select(i => i != 0).ToArray(),
            _ => throw new InvalidDataException($"Initializer '{p.Name}' has unsupported data type {p.DataType}."),
        };
        return new Tensor(p.Name, elem, dims, data);
    }

    private static NodeProto NodeToProto(Node n)
    {
        var p = new NodeProto { Name = n.Name, OpType = n.OpType, Domain = n.Domain };
        p.Input.AddRange(n.Inputs);
        p.Output.AddRange(n.Outputs);
        foreach (var a in n.Attributes) p.Attribute.Add(AttributeToProto(a));
        return p;
    }

    private static Node NodeFromProto(NodeProto p) =>
        new(p.Name, p.OpType, p.Input.ToArray(), p.Output.ToArray(), p.Attribute.Select(AttributeFromProto).ToArray(), p.Domain);

    private static AttributeProto AttributeToProto(NodeAttribute a)
    {
        var p = new AttributeProto { Name = a.Name };
        switch (a.Value)
        {
            case long i: p.Type = AttributeProto.Types.AttributeType.Int; p.I = i; break;
            case int i: p.Type = AttributeProto.Types.AttributeType.Int; p.I = i; break;
            case float f: p.Type = AttributeProto.Types.AttributeType.Float; p.F = f; break;
            case string s: p.Type = AttributeProto.Types.AttributeType.String; p.S = ByteString.CopyFromUtf8(s); break;
            case long[] ints: p.Type = AttributeProto.Types.AttributeType.Ints; p.Ints.AddRange(ints); break;
            case float[] floats: p.Type = AttributeProto.Types.AttributeType.Floats; p.Floats.AddRange(floats); break;
            case Tensor t: p.Type = AttributeProto.Types.AttributeType.Tensor; p.T = TensorToProto(t); break;
            default: throw new ArgumentException($"Attribute '{a.Name}' has unsupported value type {a.Value.GetType().Name}.");
        }
        return p;
    }

    private static NodeAttribute AttributeFromProto(AttributeProto p) => new(p.Name, p.Type switch
    {
        AttributeProto.Types.AttributeType.Int => p.I,
        AttributeProto.Types.AttributeType.Float => p.F,
        AttributeProto.Types.AttributeType.String => p.S.ToStringUtf8(),
        AttributeProto.Types.AttributeType.Ints => p.Ints.ToArray(),
        AttributeProto.Types.AttributeType.Floats => p.Floats.ToArray(),
        AttributeProto.Types.AttributeType.Tensor => TensorFromProto(p.T),
        _ => throw new InvalidDataException($"Attribute '{p.Name}' has unsupported type {p.Type}."),
    });
}
