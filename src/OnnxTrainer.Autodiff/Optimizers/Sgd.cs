using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Optimizers;

/// <summary>
/// Keras SGD. Without momentum: p' = p - lr*g (no slot). With momentum m: v' = m*v - lr*g, then p' = p + v',
/// or with Nesterov p' = p + m*v' - lr*g.
/// </summary>
public sealed record Sgd : Optimizer
{
    private static readonly string[] NoSlots = [];
    private static readonly string[] VelocitySlot = ["velocity"];

    /// <summary>"sgd".</summary>
    public override string Name => "sgd";

    /// <summary>No slot without momentum; "velocity" with it.</summary>
    public override IReadOnlyList<string> SlotKinds => Momentum == 0 ? NoSlots : VelocitySlot;

    /// <summary>Momentum in [0, 1]; 0 is plain gradient descent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1].</exception>
    public double Momentum { get; init => field = Check(value, 0, 1, nameof(Momentum)); }

    /// <summary>Nesterov momentum: p' = p + m*v' - lr*g instead of p + v' (no effect without momentum).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Writes p' (and v' with momentum) by the formulas above.</summary>
    protected override void EmitStep(GraphBuilder b, StepValues v)
    {
        string step = b.Op("Mul", [v.Grad, v.Lr]);
        if (Momentum == 0)
        {
            // p' = p - lr*g
            b.Op("Sub", [v.Param, step], v.NewParam);
            return;
        }
        // v' = m*v - lr*g
        string velocity = b.Op("Sub", [b.Op("Mul", [v.Slots[0], C(b, Momentum)]), step], v.NewSlots[0]);
        if (Nesterov)
            // p' = p + m*v' - lr*g
            b.Op("Sub", [b.Op("Add", [v.Param, b.Op("Mul", [velocity, C(b, Momentum)])]), step], v.NewParam);
        else
            // p' = p + v'
            b.Op("Add", [v.Param, velocity], v.NewParam);
    }
}
