using System.Globalization;

namespace OnnxTrainer.Training.Fitting;

/// <summary>
/// Learning rate per epoch, from the base rate. The rate is a step-graph input, so a schedule never rebuilds a graph.
/// Forms: "constant", "step:EVERY:FACTOR" (multiply by FACTOR every EVERY epochs), "exp:GAMMA" (lr * GAMMA^epoch),
/// "cosine" (half cosine from lr to 0 over the run).
/// </summary>
public sealed record LearningRateSchedule(string Kind, double A = 0, double B = 0)
{
    public static readonly LearningRateSchedule Constant = new("constant");

    public double At(double baseLr, int epoch, int totalEpochs) => Kind switch
    {
        "step" => baseLr * Math.Pow(B, Math.Floor(epoch / A)),
        "exp" => baseLr * Math.Pow(A, epoch),
        "cosine" => baseLr * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, totalEpochs))),
        _ => baseLr,
    };

    public static LearningRateSchedule Parse(string text)
    {
        var parts = text.Split(':');
        bool Num(string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
        switch (parts[0])
        {
            case "constant" when parts.Length == 1:
                return Constant;
            case "cosine" when parts.Length == 1:
                return new("cosine");
            case "exp" when parts.Length == 2 && Num(parts[1], out var g) && g > 0:
                return new("exp", g);
            case "step" when parts.Length == 3 && Num(parts[1], out var every) && every >= 1 && Num(parts[2], out var f) && f > 0:
                return new("step", every, f);
            default:
                throw new ArgumentException(
                    $"--lr-schedule '{text}' is not one of: constant, step:EVERY:FACTOR (e.g. step:10:0.5), exp:GAMMA (e.g. exp:0.9), cosine.");
        }
    }

    public override string ToString() => Kind switch
    {
        "step" => FormattableString.Invariant($"step:{A}:{B}"),
        "exp" => FormattableString.Invariant($"exp:{A}"),
        _ => Kind,
    };
}
