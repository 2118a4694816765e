using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.TestSupport;

/// <summary>Runs a <see cref="Graph"/> in ONNX Runtime (CPU) for tests: named tensors in, named tensors out.</summary>
public sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;

    public OrtRunner(Graph graph, bool optimize = true)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = optimize ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
        };
        _session = new InferenceSession(OnnxModel.ToBytes(graph), options);
    }

    /// <summary>Runs once; outputs default to every graph output.</summary>
    public Dictionary<string, Tensor> Run(IEnumerable<Tensor> inputs, IReadOnlyList<string>? outputs = null)
    {
        var feed = inputs.ToList();
        var names = outputs ?? _session.OutputNames;
        var values = feed.Select(ToOrt).ToArray();
        try
        {
            using var results = _session.Run(new RunOptions(), feed.Select(t => t.Name).ToArray(), values, names.ToArray());
            var map = new Dictionary<string, Tensor>();
            for (int i = 0; i < names.Count; i++) map[names[i]] = FromOrt(names[i], results[i]);
            return map;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Convenience: one graph, one run.</summary>
    public static Dictionary<string, Tensor> RunOnce(Graph graph, params Tensor[] inputs)
    {
        using var r = new OrtRunner(graph);
        return r.Run(inputs);
    }

    public void Dispose() => _session.Dispose();

    private static OrtValue ToOrt(Tensor t) => t.Data switch
    {
        float[] f => OrtValue.CreateTensorValueFromMemory(f, t.Dims),
        long[] l => OrtValue.CreateTensorValueFromMemory(l, t.Dims),
        int[] i => OrtValue.CreateTensorValueFromMemory(i, t.Dims),
        bool[] b => OrtValue.CreateTensorValueFromMemory(b, t.Dims),
        byte[] b => OrtValue.CreateTensorValueFromMemory(b, t.Dims),
        _ => throw new ArgumentException($"Unsupported input data for '{t.Name}'."),
    };

    private static Tensor FromOrt(string name, OrtValue v)
    {
        var info = v.GetTensorTypeAndShape();
        var dims = info.Shape;
        return info.ElementDataType switch
        {
            TensorElementType.Float => Tensor.FromFloats(name, v.GetTensorDataAsSpan<float>().ToArray(), dims),
            TensorElementType.Int64 => Tensor.FromInt64s(name, v.GetTensorDataAsSpan<long>().ToArray(), dims),
            TensorElementType.Int32 => new Tensor(name, ElementType.Int32, dims, v.GetTensorDataAsSpan<int>().ToArray()),
            TensorElementType.Bool => new Tensor(name, ElementType.Bool, dims, v.GetTensorDataAsSpan<bool>().ToArray()),
            _ => throw new NotSupportedException($"Output '{name}' has element type {info.ElementDataType}."),
        };
    }
}
