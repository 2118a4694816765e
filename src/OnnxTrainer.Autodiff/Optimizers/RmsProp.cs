using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Optimizers;

/// <summary>
/// RMSprop as standalone Keras 2 wrote it: a' = rho*a + (1-rho)*g^2; p' = p - lr*g / (sqrt(a') + eps).
/// (Keras 3 and tf.keras put eps inside the root, sqrt(a' + eps); the two differ only while a' is near eps.)
/// </summary>
public sealed record RmsProp : Optimizer
{
    private static readonly string[] RmsSlot = ["rms"];

    /// <summary>"rmsprop".</summary>
    public override string Name => "rmsprop";

    /// <summary>"rms": the running mean of g^2, starting at zero.</summary>
    public override IReadOnlyList<string> SlotKinds => RmsSlot;

    /// <summary>Decay of the running mean of g^2, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Rho { get; init => field = Check(value, 0, 1, nameof(Rho), openHigh: true); } = 0.9;

    /// <summary>Added to the root of the running mean, &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0 or less.</exception>
    public double Epsilon { get; init => field = Check(value, double.Epsilon, double.MaxValue, nameof(Epsilon)); } = 1e-7;

    /// <summary>Writes a' and p' by the formulas above.</summary>
    protected override void EmitStep(GraphBuilder b, StepValues v)
    {
        // a' = rho*a + (1-rho)*g^2
        string rms = b.Op("Add", [b.Op("Mul", [v.Slots[0], C(b, Rho)]), b.Op("Mul", [b.Op("Mul", [v.Grad, v.Grad]), C(b, 1 - Rho)])], v.NewSlots[0]);
        // p' = p - lr*g / (sqrt(a') + eps)
        string denominator = b.Op("Add", [b.Op("Sqrt", [rms]), C(b, Epsilon)]);
        b.Op("Sub", [v.Param, b.Op("Div", [b.Op("Mul", [v.Grad, v.Lr]), denominator])], v.NewParam);
    }
}
