using System.CommandLine;
using OnnxTrainer.Training.Jobs;
using OnnxTrainer.Training.Transfer;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// The train command's transfer-learning options: --features-cache DIR (listings 5.17-5.18) and --fine-tune-epochs N
/// with --fine-tune-lr X (listings 5.20-5.23 as two phases). Usage: <c>transfer.AddTo(command)</c>, then
/// <c>transfer.Run(parse, request, output)</c> in place of TrainJob.Run.
/// </summary>
public sealed class TransferOptions
{
    public Option<string?> FeaturesCache { get; } = new("--features-cache")
    {
        Description = "Fast feature extraction: run the frozen base once over the data, keep its features in DIR (reused while base, weights and data are the same), train the head on them, export base + head.",
        HelpName = "DIR",
    };

    public Option<int?> FineTuneEpochs { get; } = new("--fine-tune-epochs")
    {
        Description = "After --epochs training the head on the frozen base (into OUT/head), unfreeze from --trainable-from LAYER and train N more epochs (into OUT).",
        HelpName = "N",
        CustomParser = r => (int?)ModelOptions.ParseNumber(r, "--fine-tune-epochs", 1, int.MaxValue),
    };

    public Option<double?> FineTuneLearningRate { get; } = new("--fine-tune-lr")
    {
        Description = "Learning rate of the fine-tuning phase (listing 5.23: 1e-5). Default: a tenth of --lr.",
        HelpName = "X",
        CustomParser = r =>
        {
            string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0)
                return v;
            r.AddError($"--fine-tune-lr expects a positive number such as 1e-5; got '{text}'.");
            return null;
        },
    };

    public void AddTo(Command command)
    {
        command.Add(FeaturesCache);
        command.Add(FineTuneEpochs);
        command.Add(FineTuneLearningRate);
        command.Validators.Add(result =>
        {
            if (result.GetValue(FineTuneLearningRate) is not null && result.GetValue(FineTuneEpochs) is null)
                result.AddError("--fine-tune-lr sets the learning rate of the fine-tuning phase; it needs --fine-tune-epochs N.");
        });
    }

    /// <summary>Runs the train request, as transfer learning when a transfer option is given.</summary>
    public TrainResult Run(ParseResult parse, TrainRequest request, TextWriter log)
    {
        var transfer = new TransferRequest
        {
            FeaturesCache = parse.GetValue(FeaturesCache) is { } dir ? Path.GetFullPath(dir) : null,
            FineTuneEpochs = parse.GetValue(FineTuneEpochs),
            FineTuneLearningRate = parse.GetValue(FineTuneLearningRate),
        };
        return transfer.Applies ? TransferJob.Run(request, transfer, log) : TrainJob.Run(request, log);
    }
}
