using OnnxTrainer.Runtime;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Training.Runtime;

/// <summary>
/// Two sets of ONNX Runtime values for every tensor a step carries (parameters, slots, states): a step reads one
/// set and writes the other, then they swap (ping-pong), so no step copies or allocates. On CPU the values wrap
/// pinned host arrays; on CUDA they are device memory, filled and read with ONNX Runtime's tensor copy.
/// </summary>
internal sealed class CarriedTensors : IDisposable
{
    private readonly ExecutionDevice _device;
    private readonly OrtValue[][] _sets = new OrtValue[2][];
    private readonly float[][][] _host = new float[2][][];

    public CarriedTensors(IReadOnlyList<string> names, IReadOnlyList<long[]> dims, ExecutionDevice device, OrtAllocator? deviceAllocator)
    {
        Names = names;
        Dims = dims;
        _device = device;
        for (int s = 0; s < 2; s++)
        {
            _sets[s] = new OrtValue[names.Count];
            _host[s] = new float[names.Count][];
            for (int i = 0; i < names.Count; i++)
            {
                long count = Shapes.Product(dims[i]);
                if (device == ExecutionDevice.Cpu)
                {
                    _host[s][i] = new float[count];
                    _sets[s][i] = OrtValue.CreateTensorValueFromMemory(_host[s][i], dims[i]);
                }
                else
                {
                    _sets[s][i] = OrtValue.CreateAllocatedTensorValue(deviceAllocator!, TensorElementType.Float, dims[i]);
                }
            }
        }
    }

    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<long[]> Dims { get; }

    /// <summary>The set holding the current values.</summary>
    public int Current { get; private set; }

    public OrtValue[] Set(int s) => _sets[s];

    public void Swap() => Current = 1 - Current;

    /// <summary>Writes <paramref name="values"/> (by name, same shapes) into the current set.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> values)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (!values.TryGetValue(Names[i], out var t))
                throw new KeyNotFoundException($"No initial value for carried tensor '{Names[i]}'.");
            if (!t.Dims.SequenceEqual(Dims[i]))
                throw new ArgumentException($"Carried tensor '{Names[i]}' is [{string.Join(",", Dims[i])}], got [{string.Join(",", t.Dims)}].");
            if (_device == ExecutionDevice.Cpu)
                t.Floats.AsSpan().CopyTo(_host[Current][i]);
            else
            {
                using var src = OrtValue.CreateTensorValueFromMemory(t.Floats, Dims[i]);
                OrtEnv.Instance().CopyTensors([src], [_sets[Current][i]], null);
            }
        }
    }

    /// <summary>Copies the current values out as tensors.</summary>
    public Dictionary<string, Tensor> Read()
    {
        var map = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < Names.Count; i++)
        {
            float[] data;
            if (_device == ExecutionDevice.Cpu)
                data = (float[])_host[Current][i].Clone();
            else
            {
                data = new float[Shapes.Product(Dims[i])];
                using var dst = OrtValue.CreateTensorValueFromMemory(data, Dims[i]);
                OrtEnv.Instance().CopyTensors([_sets[Current][i]], [dst], null);
            }
            map[Names[i]] = Tensor.FromFloats(Names[i], data, Dims[i]);
        }
        return map;
    }

    public void Dispose()
    {
        foreach (var set in _sets)
            foreach (var v in set) v?.Dispose();
    }
}
