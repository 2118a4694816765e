using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Optimizers;

/// <summary>
/// Keras Adam: m' = m + (g - m)(1 - b1); v' = v + (g^2 - v)(1 - b2); lr_t = lr*sqrt(1 - b2^t)/(1 - b1^t);
/// p' = p - lr_t*m' / (sqrt(v') + eps). lr_t is computed once per graph and shared by all parameters.
/// </summary>
public record Adam : Optimizer
{
    private static readonly string[] Moments = ["m", "v"];

    /// <summary>"adam".</summary>
    public override string Name => "adam";

    /// <summary>"m" (first moment) and "v" (second moment), both starting at zero.</summary>
    public override IReadOnlyList<string> SlotKinds => Moments;

    /// <summary>Decay of the first moment, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta1 { get; init => field = Check(value, 0, 1, nameof(Beta1), openHigh: true); } = 0.9;

    /// <summary>Decay of the second moment, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta2 { get; init => field = Check(value, 0, 1, nameof(Beta2), openHigh: true); } = 0.999;

    /// <summary>Added to the root of the second moment, &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0 or less.</exception>
    public double Epsilon { get; init => field = Check(value, double.Epsilon, double.MaxValue, nameof(Epsilon)); } = 1e-7;

    /// <summary>Writes m', v' and p' by the formulas above, with the shared lr_t.</summary>
    protected override void EmitStep(GraphBuilder b, StepValues v)
    {
        string lrT = v.Shared[0];
        // m' = m + (g - m)(1 - b1)
        string m = b.Op("Add", [v.Slots[0], b.Op("Mul", [b.Op("Sub", [v.Grad, v.Slots[0]]), C(b, 1 - Beta1)])], v.NewSlots[0]);
        // v' = v + (g^2 - v)(1 - b2)
        string g2 = b.Op("Mul", [v.Grad, v.Grad]);
        string s = b.Op("Add", [v.Slots[1], b.Op("Mul", [b.Op("Sub", [g2, v.Slots[1]]), C(b, 1 - Beta2)])], v.NewSlots[1]);
        // p' = p - lr_t*m' / (sqrt(v') + eps)
        string denominator = b.Op("Add", [b.Op("Sqrt", [s]), C(b, Epsilon)]);
        b.Op("Sub", [v.Param, b.Op("Div", [b.Op("Mul", [m, lrT]), denominator])], v.NewParam);
    }

    /// <summary>lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t), t = step; once per graph.</summary>
    protected override IReadOnlyList<string> EmitShared(GraphBuilder b, string lr, string step)
    {
        string one = b.Const(1f);
        string root = b.Op("Sqrt", [b.Op("Sub", [one, b.Op("Pow", [C(b, Beta2), step])])]);
        string correction = b.Op("Sub", [one, b.Op("Pow", [C(b, Beta1), step])]);
        return [b.Op("Div", [b.Op("Mul", [lr, root]), correction], b.Fresh(b.Prefixed("lr_t")))];
    }
}

/// <summary>Keras AdamW: Adam with decoupled weight decay p -= lr*wd*p before the step, wd 0.004 by default.</summary>
public sealed record AdamW : Adam
{
    /// <summary>AdamW with the Keras default weight decay 0.004 (set <see cref="Optimizer.WeightDecay"/> to change it).</summary>
    public AdamW() => WeightDecay = 0.004;

    /// <summary>"adamw".</summary>
    public override string Name => "adamw";
}
