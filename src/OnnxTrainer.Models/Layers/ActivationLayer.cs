namespace OnnxTrainer.Models.Layers;

/// <summary>Keras Activation layer: relu, sigmoid, softmax or linear.</summary>
public sealed record ActivationLayer : Layer
{
    public required Activation Activation { get; init; }

    public override string TypeName => "Activation";

    public override long[] OutputShape(long[] input) => input;

    public override string Emit(EmitContext ctx, string x, long[] input) => ctx.Activate(x, Activation, OutName);
}
