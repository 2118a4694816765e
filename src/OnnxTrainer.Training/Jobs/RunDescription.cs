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
            var run = JsonSerializer.Deserialize<RunDescription>(json) ?? throw new InvalidDataException($"Checkpoint '{source}': metadata 'run' is empty; expected the run description onnx-trainer writes.");
            if (run.Recipe?.Model is null || run.Optimizer is null || run.Loss is null || run.Data is null)
                throw new InvalidDataException($"Checkpoint '{source}': metadata 'run' lacks {(run.Recipe?.Model is null ? "Recipe.Model" : run.Optimizer is null ? "Optimizer" : run.Loss is null ? "Loss" : "Data")}; expected the run description onnx-trainer writes.");
            return run;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Checkpoint '{source}': metadata 'run' is not the run description onnx-trainer writes ({e.Message}).", e);
        }
    }
}
