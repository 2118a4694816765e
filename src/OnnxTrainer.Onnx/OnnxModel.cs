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

    public const string Producer = "OnnxTrainer";

    public static byte[] ToBytes(Graph graph) => ToProto(graph).ToByteArray();

    public static void Save(Graph graph, string path)
    {
        var bytes = ToBytes(graph);
        string tmp = path + ".tmp";
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            // A failed save leaves neither a partial file nor the temporary one (and reports the first error).
            if (File.Exists(tmp)) File.Delete(tmp);
            throw;
        }
    }

    public static Graph Load(string path) => FromProto(ReadProto(path), Path.GetDirectoryName(Path.GetFullPath(path)));

    /// <summary>Parses a file's ModelProto; a file that is not one is an <see cref="InvalidDataException"/> naming it.</summary>
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

    public static Graph FromBytes(byte[] bytes) => FromProto(ModelProto.Parser.ParseFrom(bytes));

    /// <summary>
    /// The graph of a ModelProto. A graph input that also has an initializer is, before IR version 4, a weight (IR 3
    /// lists every initializer among the inputs): it becomes an initializer only. From IR 4 on it is an input with a
    /// default value and stays both an input and an initializer. Initializers kept in external data files are read
    /// from <paramref name="baseDirectory"/> (the model file's folder).
    /// </summary>
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
