using System.Text.Json;
using OnnxTrainer.Models;

namespace OnnxTrainer.Training.Jobs;

/// <summary>The settings of a run that a checkpoint records, so --resume continues the same run.</summary>
public sealed record RunDescription(ModelRecipe Recipe, string Optimizer, string Loss, long Seed, int BatchSize, double LearningRate, string Data)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static RunDescription FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<RunDescription>(json) ?? throw new InvalidDataException($"{source}: empty run description.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the run description is not valid JSON ({e.Message}).", e);
        }
    }
}
