using System.CommandLine;
using OnnxTrainer.Training.Memory;

namespace OnnxTrainer.Cli.Commands;

/// <summary>--max-memory SIZE (train, evaluate, bench train-step): refuse a step whose estimated memory exceeds SIZE.</summary>
public static class MaxMemoryOption
{
    public static Option<long?> Create() => new("--max-memory")
    {
        Description = "Refuse the run when the step's estimated memory exceeds SIZE (bytes, or with K, M, G, T: 512M, 4G). Default: the machine's available memory.",
        HelpName = "SIZE",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            try
            {
                return MemoryBudget.ParseSize(text);
            }
            catch (FormatException e)
            {
                r.AddError(e.Message);
                return null;
            }
        },
    };
}
