using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

public enum PoolKind { Max, Average }

/// <summary>Keras MaxPooling2D and AveragePooling2D: floor pooling; strides default to the pool size.</summary>
public sealed record Pooling2D : Layer
{
    public PoolKind Kind { get; init; } = PoolKind.Max;
    public (int H, int W) Pool { get; init; } = (2, 2);
    public (int H, int W)? Strides { get; init; }
    public Padding Padding { get; init; } = Padding.Valid;

    private (int H, int W) Stride => Strides ?? Pool;

    public override string TypeName => Kind == PoolKind.Max ? "MaxPooling2D" : "AveragePooling2D";

    public override long[] OutputShape(long[] input)
    {
        RequireImage(Name, TypeName, input);
        return [.. Windows.OutputSize(Name, TypeName, input, Pool, Stride, Padding), input[2]];
    }

    public override string Emit(EmitContext ctx, string x, long[] input)
    {
        var attrs = new List<NodeAttribute>
        {
            GraphBuilder.A("kernel_shape", new long[] { Pool.H, Pool.W }),
            GraphBuilder.A("pads", Windows.Pads(input, Pool, Stride, Padding)),
            GraphBuilder.A("strides", new long[] { Stride.H, Stride.W }),
        };
        // Keras averages over the window's real pixels only: count_include_pad = 0 (the ONNX default).
        return ctx.B.Node(Kind == PoolKind.Max ? "MaxPool" : "AveragePool", [x], 1, attrs, [OutName])[0];
    }
}
