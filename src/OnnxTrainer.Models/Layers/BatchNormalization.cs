using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

/// <summary>
/// Keras BatchNormalization over channels (momentum 0.99, epsilon 1e-3). Inference form: the ONNX op with the
/// moving statistics. Training form: composed of primitives with batch statistics (biased variance), and the
/// moving statistics updated as moving = momentum * moving + (1 - momentum) * batch.
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

    public override string Emit(EmitContext ctx, string x, long[] input)
    {
        var b = ctx.B;
        string gamma = Name + "/gamma", beta = Name + "/beta", mean = Name + "/moving_mean", variance = Name + "/moving_variance";
        if (!ctx.Training)
            return b.Op("BatchNormalization", [x, gamma, beta, mean, variance], OutName, GraphBuilder.A("epsilon", Epsilon));

        using var _ = b.Scope(Name);
        long c = input[^1];
        bool image = input.Length == 3;
        string axes = image ? b.Ints(0, 2, 3) : b.Ints(0);
        string paramShape = image ? b.Ints(1, c, 1, 1) : b.Ints(1, c);
        string batchMean = b.Op("ReduceMean", [x, axes], b.Prefixed("batch_mean"), GraphBuilder.A("keepdims", 1L));
        string centered = b.Op("Sub", [x, batchMean]);
        string batchVar = b.Op("ReduceMean", [b.Op("Mul", [centered, centered]), axes], b.Prefixed("batch_var"), GraphBuilder.A("keepdims", 1L));
        string invStd = b.Op("Reciprocal", [b.Op("Sqrt", [b.Op("Add", [batchVar, b.Const(Epsilon)])])]);
        string scaled = b.Op("Mul", [b.Op("Mul", [centered, invStd]), b.Op("Reshape", [gamma, paramShape])]);
        string y = b.Op("Add", [scaled, b.Op("Reshape", [beta, paramShape])], OutName);

        string vector = b.Ints(c);
        ctx.StateUpdates.Add(new StateUpdate(mean, MovingAverage(b, mean, b.Op("Reshape", [batchMean, vector]))));
        ctx.StateUpdates.Add(new StateUpdate(variance, MovingAverage(b, variance, b.Op("Reshape", [batchVar, vector]))));
        return y;
    }

    private string MovingAverage(GraphBuilder b, string moving, string batch) =>
        b.Op("Add", [b.Op("Mul", [moving, b.Const(Momentum)]), b.Op("Mul", [batch, b.Const(1 - Momentum)])]);
}
