using System.Runtime.InteropServices;

namespace OnnxTrainer.Onnx;

/// <summary>A constant tensor with its data (an initializer). Dims are always static.</summary>
public sealed class Tensor
{
    public Tensor(string name, ElementType elem, long[] dims, Array data)
    {
        long count = Shapes.Product(dims);
        if (dims.Any(d => d < 0))
            throw new ArgumentException($"Tensor '{name}': dims must be static, got [{string.Join(",", dims)}].", nameof(dims));
        if (data.Length != count)
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(",", dims)}] needs {count} values, got {data.Length}.", nameof(data));
        Name = name;
        Elem = elem;
        Dims = dims;
        Data = data;
    }

    public string Name { get; }
    public ElementType Elem { get; }
    public long[] Dims { get; }

    /// <summary>float[], long[], int[], byte[] or bool[] according to <see cref="Elem"/>.</summary>
    public Array Data { get; }

    public TensorType Type => new(Elem, Dims);

    public long ElementCount => Data.Length;

    public float[] Floats => Data as float[] ?? throw new InvalidOperationException($"Tensor '{Name}' is {Elem}, not float.");

    public long[] Int64s => Data as long[] ?? throw new InvalidOperationException($"Tensor '{Name}' is {Elem}, not int64.");

    public static Tensor FromFloats(string name, float[] data, params long[] dims) => new(name, ElementType.Float, dims, data);

    public static Tensor FromInt64s(string name, long[] data, params long[] dims) => new(name, ElementType.Int64, dims, data);

    public Tensor Rename(string name) => new(name, Elem, Dims, Data);

    /// <summary>Little-endian raw bytes, as ONNX raw_data and safetensors store them.</summary>
    public byte[] ToRawBytes() => Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()).ToArray(),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
        byte[] b => (byte[])b.Clone(),
        bool[] b => b.Select(x => x ? (byte)1 : (byte)0).ToArray(),
        _ => throw new InvalidOperationException($"Tensor '{Name}': unsupported data {Data.GetType().Name}."),
    };

    public static Tensor FromRawBytes(string name, ElementType elem, long[] dims, ReadOnlySpan<byte> raw)
    {
        Array data = elem switch
        {
            ElementType.Float => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
            ElementType.Int64 => MemoryMarshal.Cast<byte, long>(raw).ToArray(),
            ElementType.Int32 => MemoryMarshal.Cast<byte, int>(raw).ToArray(),
            ElementType.UInt8 => raw.ToArray(),
            ElementType.Bool => raw.ToArray().Select(b => b != 0).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(elem), elem, $"Tensor '{name}': unsupported element type."),
        };
        return new Tensor(name, elem, dims, data);
    }
}
