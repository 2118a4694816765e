namespace OnnxTrainer.Onnx;

/// <summary>ONNX tensor element types used by OnnxTrainer (values are TensorProto.DataType numbers).</summary>
public enum ElementType
{
    /// 32-bit IEEE float (ONNX FLOAT = 1): weights, activations, losses.
    Float = 1,
    /// Unsigned byte (ONNX UINT8 = 2): raw image pixels.
    UInt8 = 2,
    /// 32-bit signed integer (ONNX INT32 = 6).
    Int32 = 6,
    /// 64-bit signed integer (ONNX INT64 = 7): shapes, axes, class indices, step counters.
    Int64 = 7,
    /// Boolean stored as one byte (ONNX BOOL = 9): comparison results, masks.
    Bool = 9,
}

/// <summary>Short names and storage sizes of <see cref="ElementType"/> values.</summary>
public static class ElementTypeNames
{
    /// <summary>The short name used in graph text and error messages: f32, u8, i32, i64 or bool.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not one of the defined values.</exception>
    public static string ShortName(this ElementType t) => t switch
    {
        ElementType.Float => "f32",
        ElementType.UInt8 => "u8",
        ElementType.Int32 => "i32",
        ElementType.Int64 => "i64",
        ElementType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported element type"),
    };

    /// <summary>Bytes per element in raw (little-endian) storage: 4 for f32 and i32, 8 for i64, 1 for u8 and bool.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not one of the defined values.</exception>
    public static int ByteSize(this ElementType t) => t switch
    {
        ElementType.Float or ElementType.Int32 => 4,
        ElementType.Int64 => 8,
        ElementType.UInt8 or ElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported element type"),
    };
}
