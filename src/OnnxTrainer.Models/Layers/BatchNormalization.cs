using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

/// <summary>
/// Keras BatchNormalization over channels (momentum 0.99, epsilon 1e-3). Emits the ONNX BatchNormalization op with
/// the moving statistics in both forms, epsilon and momentum as attributes. The training form with batch statistics
/// (and the moving-statistics updates, moving = momentum*moving + (1 - momentum)*batch) is made from it by the
/// BatchNormTraining pass (OnnxTrainer.Autodiff.Passes) when a train step is built.
/// </summary>
public sealed record BatchNormalization : Layer
{
    public float Momentum { get; init; } = 0.99f;
    public float Epsilon { get; init; } = 1e-3f;

    public override string TypeName => "BatchNormalization";

    public override long[] OutputShape(long[] input) => input;

    public override IReadOnlyList<ParamSpec> Params(long[] input)
    {
        long c = input[^1];
        return
        [
            new ParamSpec(Name + "/gamma", [c], ParamInit.Ones),
            new ParamSpec(Name + "/beta", [c], ParamInit.Zeros),
            new ParamSpec(Name + "/moving_mean", [c], ParamInit.Zeros, Trainable: false),
            new ParamSpec(Name + "/moving_variance", [c], ParamInit.Ones, Trainable: false),
        ];
    }

    public override string Emit(EmitContext ctx, string x, long[] input) =>
        ctx.B.Op("BatchNormalization", [x, Name + "/gamma", Name + "/beta", Name + "/moving_mean", Name + "/moving_variance"], OutName,
            GraphBuilder.A("epsilon", Epsilon), GraphBuilder.A("momentum", Momentum));
}
