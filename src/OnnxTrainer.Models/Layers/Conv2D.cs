using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

/// <summary>Keras Conv2D: kernel W [filters, C, kh, kw] (OIHW), bias B [filters].</summary>
public sealed record Conv2D : Layer
{
    public required int Filters { get; init; }
    public (int H, int W) Kernel { get; init; } = (3, 3);
    public (int H, int W) Strides { get; init; } = (1, 1);
    public Padding Padding { get; init; } = Padding.Valid;
    public Activation Activation { get; init; } = Activation.Linear;
    public bool UseBias { get; init; } = true;

    public override string TypeName => "Conv2D";

    public override long[] OutputShape(long[] input)
    {
        RequireImage(Name, TypeName, input);
        return [.. Windows.OutputSize(Name, TypeName, input, Kernel, Strides, Padding), Filters];
    }

    public override IReadOnlyList<ParamSpec> Params(long[] input)
    {
        long c = RequireImage(Name, TypeName, input)[2];
        var w = new ParamSpec(Name + "/W", [Filters, c, Kernel.H, Kernel.W], ParamInit.GlorotUniform);
        return UseBias ? [w, new ParamSpec(Name + "/B", [Filters], ParamInit.Zeros)] : [w];
    }

    public override string Emit(EmitContext ctx, string x, long[] input)
    {
        var pads = Windows.Pads(input, Kernel, Strides, Padding);
        string[] inputs = UseBias ? [x, Name + "/W", Name + "/B"] : [x, Name + "/W"];
        using var _ = ctx.B.Scope(Name);
        return ctx.WithActivation(o => ctx.B.Op("Conv", inputs, o,
            GraphBuilder.A("kernel_shape", new long[] { Kernel.H, Kernel.W }),
            GraphBuilder.A("pads", pads),
            GraphBuilder.A("strides", new long[] { Strides.H, Strides.W })), Activation, OutName);
    }
}
