using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Expand: broadcast to a constant shape.</summary>
internal static class Expand
{
    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Expand",
            s => s.ConstInts(1) is { } shape ? [OpShapes.Broadcast(s.Node, [s.In(0), TensorType.Float(shape)], s.In(0).Elem)] : null,
            c => c.Each(() => c.Dy)),   // dX = dY, summed over the broadcast axes by the walk
    ];
}
