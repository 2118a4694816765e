using System.CommandLine;
using System.Globalization;
using OnnxTrainer.Training.Reports;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// --smooth-curves with --smooth-factor X (listing 5.24): the curves PNG also shows the exponential moving average of
/// each curve, drawn solid over the raw points. A flag plus a valued option, so the flag never takes a following argument.
/// </summary>
public sealed class SmoothingOptions
{
    public Option<bool> Smooth { get; } = new("--smooth-curves")
    {
        Description = "Curves PNG: draw the curves smoothed by an exponential moving average (listing 5.24), the raw points faint. Factor from --smooth-factor.",
    };

    public Option<double?> Factor { get; } = new("--smooth-factor")
    {
        Description = $"Factor of --smooth-curves: smoothed = previous * X + point * (1 - X), X in [0, 1). Default {Curves.DefaultSmoothing.ToString(CultureInfo.InvariantCulture)}.",
        HelpName = "X",
        CustomParser = r =>
        {
            string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && v < 1) return v;
            r.AddError($"--smooth-factor expects a number in [0, 1) such as 0.8; got '{text}'.");
            return null;
        },
    };

    public void AddTo(Command command)
    {
        command.Add(Smooth);
        command.Add(Factor);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Factor) is not null && result.GetResult(Smooth)?.GetValueOrDefault<bool>() != true)
                result.AddError("--smooth-factor sets the factor of the smoothed curves; it needs --smooth-curves.");
        });
    }

    /// <summary>The smoothing factor asked for, or null for raw curves only.</summary>
    public double? Value(ParseResult parse) => parse.GetValue(Smooth) ? parse.GetValue(Factor) ?? Curves.DefaultSmoothing : null;
}
