using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Onnx.Tests.Import;

/// <summary>
/// Hand-built ModelProtos in the old forms real files use (IR 3, opset 7-9, attributes instead of inputs, weights listed
/// among the inputs, batch fixed at 1), and ONNX Runtime runs of raw model bytes to compare with.
/// </summary>
internal sealed class OldModel
{
    public ModelProto Proto { get; }
    private GraphProto G => Proto.Graph;

    public OldModel(long ir = 3, long opset = 8)
    {
        Proto = new ModelProto { IrVersion = ir, ProducerName = "test", Graph = new GraphProto { Name = "old" } };
        Proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    public static ValueInfoProto Value(string name, params long[] dims) => Value(name, 1, dims);

    public static ValueInfoProto Value(string name, int elem, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elem, Shape = shape } } };
    }

    public OldModel Input(string name, params long[] dims)
    {
        G.Input.Add(Value(name, dims));
        return this;
    }

    public OldModel Output(string name, params long[] dims)
    {
        G.Output.Add(Value(name, dims));
        return this;
    }

    /// <summary>A float weight in float_data; IR 3 style also lists it among the graph inputs.</summary>
    public OldModel Weight(string name, long[] dims, int seed, bool listAsInput = true, float low = -1f, float high = 1f)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(Numeric.Random((int)count, seed, low, high));
        G.Initializer.Add(t);
        if (listAsInput) G.Input.Add(Value(name, dims));
        return this;
    }

    public OldModel Ints(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        G.Initializer.Add(t);
        if (Proto.IrVersion < 4) G.Input.Add(Value(name, 7, [values.Length]));
        return this;
    }

    public OldModel Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes) => Node(op, op + G.Node.Count, inputs, outputs, attributes);

    public OldModel Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        G.Node.Add(n);
        return this;
    }

    public static AttributeProto A(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    public static AttributeProto A(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };

    public static AttributeProto A(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    public static AttributeProto A(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    public byte[] Bytes => Proto.ToByteArray();

    public string Save(string path)
    {
        File.WriteAllBytes(path, Bytes);
        return path;
    }

    /// <summary>Runs model bytes in ONNX Runtime (CPU, one thread): one float input, every output as floats.</summary>
    public static Dictionary<string, (long[] Dims, float[] Data)> Run(byte[] model, string input, float[] data, long[] dims)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(data, dims);
        using var results = session.Run(new RunOptions(), [input], [value], session.OutputNames);
        var map = new Dictionary<string, (long[], float[])>();
        for (int i = 0; i < session.OutputNames.Count; i++)
            map[session.OutputNames[i]] = (results[i].GetTensorTypeAndShape().Shape, results[i].GetTensorDataAsSpan<float>().ToArray());
        return map;
    }

    /// <summary>Max over elements of |a - b| / max(|b|, 1e-3): relative, with a floor for values near zero.</summary>
    public static double MaxRelativeDifference(float[] a, float[] b)
    {
        Assert.Equal(b.Length, a.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(Math.Abs(b[i]), 1e-3));
        return worst;
    }
}
