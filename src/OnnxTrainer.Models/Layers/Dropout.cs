namespace OnnxTrainer.Models.Layers;

/// <summary>
/// Keras Dropout (inverted): in the training form y = x * mask, where the trainer feeds a mask of zeros and
/// 1/(1-rate) drawn from its own seeded stream each step (reproducible and resumable); absent at inference.
/// </summary>
public sealed record Dropout : Layer
{
    public required float Rate { get; init; }

    public override string TypeName => "Dropout";

    public override long[] OutputShape(long[] input) => Rate is >= 0 and < 1
        ? input
        : throw new ModelException($"Dropout layer '{Name}': rate must be in [0, 1), got {Rate}.");

    public override string Emit(EmitContext ctx, string x, long[] input)
    {
        if (!ctx.Training || Rate == 0) return x;
        var dims = ctx.B.DimsOf(x);
        string mask = ctx.B.Input(Name + "/mask", new(Onnx.ElementType.Float, dims));
        ctx.Masks.Add(new DropoutMask(mask, Name, Rate, dims));
        return ctx.B.Op("Mul", [x, mask], OutName);
    }
}
