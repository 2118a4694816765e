using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Ops that compute or consume integer positions: ArgMax, ArgMin, OneHot.</summary>
internal static class Indices
{
    private const string IntegerOutput = "int64 output: the position of an extreme, piecewise constant in the values";

    public static IEnumerable<OpRule> Rules =>
    [
        NoGradient("ArgMax", ArgExtreme, IntegerOutput),
        NoGradient("ArgMin", ArgExtreme, IntegerOutput),
        NoGradient("OneHot", OneHot,
            "a function of integer indices; its (off, on) values are constants wherever the project emits it (target encoding)"),
    ];

    private static TensorType[]? ArgExtreme(ShapeContext s)
    {
        var d = s.In(0).Dims.ToList();
        int axis = OpShapes.Axis(s.Node, d.Count, 0);
        if (s.Node.Int("keepdims", 1) == 1) d[axis] = 1; else d.RemoveAt(axis);
        return [TensorType.Int64([.. d])];
    }

    private static TensorType[]? OneHot(ShapeContext s)
    {
        var depth = s.ConstInts(1);
        if (depth is null) return null;
        return [new TensorType(s.In(2).Elem, [.. s.In(0).Dims, depth[0]])];
    }
}
