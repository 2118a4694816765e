namespace OnnxTrainer.Onnx;

/// <summary>ONNX tensor element types used by OnnxTrainer (values are TensorProto.DataType numbers).</summary>
public enum ElementType
{
    Float = 1,
    UInt8 = 2,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
}

public static class ElementTypeNames
{
    public static string ShortName(this ElementType t) => t switch
    {
        ElementType.Float => "f32",
        ElementType.UInt8 => "u8",
        ElementType.Int32 => "i32",
        ElementType.Int64 => "i64",
        ElementType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported element type"),
    };

    public static int ByteSize(this ElementType t) => t switch
    {
        ElementType.Float or ElementType.Int32 => 4,
        ElementType.Int64 => 8,
        ElementType.UInt8 or ElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported element type"),
    };
}
