using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

/// <summary>Keras Dense on a vector input: kernel W [in, units] (Keras layout), bias B [units]; y = Gemm(x, W, B).</summary>
public sealed record Dense : Layer
{
    public required int Units { get; init; }
    public Activation Activation { get; init; } = Activation.Linear;
    public bool UseBias { get; init; } = true;

    public override string TypeName => "Dense";

    public override long[] OutputShape(long[] input) => input.Length == 1
        ? [Units]
        : throw new ModelException($"Dense layer '{Name}' expects a vector input (F), got {KerasShape.Format(input)}; add a Flatten before it.");

    public override IReadOnlyList<ParamSpec> Params(long[] input)
    {
        OutputShape(input);
        var w = new ParamSpec(Name + "/W", [input[0], Units], ParamInit.GlorotUniform);
        return UseBias ? [w, new ParamSpec(Name + "/B", [Units], ParamInit.Zeros)] : [w];
    }

    public override string Emit(EmitContext ctx, string x, long[] input)
    {
        string[] inputs = UseBias ? [x, Name + "/W", Name + "/B"] : [x, Name + "/W"];
        using var _ = ctx.B.Scope(Name);
        return ctx.WithActivation(o => ctx.B.Op("Gemm", inputs, o), Activation, OutName);
    }
}
