using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

/// <summary>Keras Flatten. Inside graphs the order is NCHW (channel-major), so Keras Dense weights after it are permuted at import.</summary>
public sealed record Flatten : Layer
{
    public override string TypeName => "Flatten";

    public override long[] OutputShape(long[] input) => [Shapes.Product(input)];

    public override string Emit(EmitContext ctx, string x, long[] input) =>
        ctx.B.Op("Flatten", [x], OutName, GraphBuilder.A("axis", 1L));
}
