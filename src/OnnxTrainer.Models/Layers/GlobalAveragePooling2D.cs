using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

/// <summary>Keras GlobalAveragePooling2D: the mean of each channel over height and width, (H, W, C) -> (C).</summary>
public sealed record GlobalAveragePooling2D : Layer
{
    public override string TypeName => "GlobalAveragePooling2D";

    public override long[] OutputShape(long[] input) => [RequireImage(Name, TypeName, input)[2]];

    // y[n,c] = mean over i,j of x[n,c,i,j]: GlobalAveragePool to [N,C,1,1], then Flatten to [N,C]
    public override string Emit(EmitContext ctx, string x, long[] input)
    {
        using var _ = ctx.B.Scope(Name);
        return ctx.B.Op("Flatten", [ctx.B.Op("GlobalAveragePool", [x])], OutName, GraphBuilder.A("axis", 1L));
    }
}
