using System.Runtime.InteropServices;

namespace OnnxTrainer.Onnx;

/// <summary>A constant tensor with its data (an initializer). Dims are always static.</summary>
public sealed class Tensor
{
    /// <summary>A tensor holding <paramref name="data"/> (float[], long[], int[], byte[] or bool[] matching <paramref name="elem"/>) in row-major order.</summary>
    /// <exception cref="ArgumentException">A dim is negative (symbolic), or <paramref name="data"/> does not have the product of <paramref name="dims"/> elements.</exception>
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

    /// <summary>The initializer's name in the graph.</summary>
    public string Name { get; }
    /// <summary>The element type of <see cref="Data"/>.</summary>
    public ElementType Elem { get; }
    /// <summary>The static shape (no symbolic dimensions).</summary>
    public long[] Dims { get; }

    /// <summary>float[], long[], int[], byte[] or bool[] according to <see cref="Elem"/>.</summary>
    public Array Data { get; }

    /// <summary>Element type and shape as a <see cref="TensorType"/>.</summary>
    public TensorType Type => new(Elem, Dims);

    /// <summary>The number of elements: the product of <see cref="Dims"/>.</summary>
    public long ElementCount => Data.Length;

    /// <summary>The data as float[] (not a copy).</summary>
    /// <exception cref="InvalidOperationException">The tensor is not <see cref="ElementType.Float"/>.</exception>
    public float[] Floats => Data as float[] ?? throw new InvalidOperationException($"Tensor '{Name}' is {Elem}, not float.");

    /// <summary>The data as long[] (not a copy).</summary>
    /// <exception cref="InvalidOperationException">The tensor is not <see cref="ElementType.Int64"/>.</exception>
    public long[] Int64s => Data as long[] ?? throw new InvalidOperationException($"Tensor '{Name}' is {Elem}, not int64.");

    /// <summary>A float tensor of shape <paramref name="dims"/> (no dims: a scalar) over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The element count of <paramref name="dims"/> differs from the length of <paramref name="data"/>.</exception>
    public static Tensor FromFloats(string name, float[] data, params long[] dims) => new(name, ElementType.Float, dims, data);

    /// <summary>An int64 tensor of shape <paramref name="dims"/> (no dims: a scalar) over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The element count of <paramref name="dims"/> differs from the length of <paramref name="data"/>.</exception>
    public static Tensor FromInt64s(string name, long[] data, params long[] dims) => new(name, ElementType.Int64, dims, data);

    /// <summary>The same data and shape under another name (the data array is shared).</summary>
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

    /// <summary>A tensor decoded from little-endian raw bytes (ONNX raw_data, safetensors data).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elem"/> is not a supported element type.</exception>
    /// <exception cref="ArgumentException"><paramref name="raw"/> does not hold exactly the elements of <paramref name="dims"/>.</exception>
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
