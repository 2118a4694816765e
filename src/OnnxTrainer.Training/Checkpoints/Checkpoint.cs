using System.Globalization;
using System.Text.Json;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Formats;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Checkpoints;

/// <summary>
/// A resumable training state in one safetensors file: every model weight, the optimizer slots, the number of
/// completed epochs and steps, the history so far and the run description (JSON). Written atomically.
/// </summary>
public sealed record Checkpoint(
    IReadOnlyDictionary<string, Tensor> Tensors,
    int Epoch,
    long Step,
    History History,
    string Run)
{
    public const string Format = "onnx-trainer-checkpoint/1";

    public void Save(string path)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["history"] = History.ToJson(),
            ["run"] = Run,
        };
        Safetensors.Write(path, Tensors.Values, metadata);
    }

    /// <summary>
    /// Reads and checks a checkpoint: every metadata field (format, epoch, step, history, run) is validated, and an error
    /// names the file, the field, what it holds and what was expected.
    /// </summary>
    public static Checkpoint Load(string path)
    {
        var file = Safetensors.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException($"Checkpoint '{path}' has no '{key}' metadata; it was not written by onnx-trainer ({Format}).");
        InvalidDataException Bad(string key, string expected) =>
            new($"Checkpoint '{path}': metadata '{key}' is '{Clip(Meta(key))}'; expected {expected}.");
        if (Meta("format") != Format) throw Bad("format", $"'{Format}'");

        if (!int.TryParse(Meta("epoch"), NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
            throw Bad("epoch", $"a whole number from 0 to {int.MaxValue} (the epochs completed)");
        if (!long.TryParse(Meta("step"), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            throw Bad("step", $"a whole number from 0 to {long.MaxValue} (the updates applied)");

        History history;
        try
        {
            history = History.FromJson(Meta("history"));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw Bad("history", $"a JSON object of number lists such as {{\"loss\": [0.5], \"acc\": [0.8]}} ({e.Message.TrimEnd('.')})");
        }
        var lengths = history.Values.Where(kv => kv.Key is "loss" or "acc" or "lr").Select(kv => kv.Value.Count).Distinct().ToList();
        if (lengths.Count > 1)
            throw Bad("history", $"'loss', 'acc' and 'lr' with one value per epoch each (found {string.Join(", ", history.Values.Select(kv => $"{kv.Key}: {kv.Value.Count}"))})");
        if (epoch > history.Epochs)
            throw Bad("epoch", $"at most {history.Epochs}, the number of epochs in its history");
        if (step < epoch) throw Bad("step", $"at least the epoch count {epoch} (every epoch takes one step or more)");

        string run = Meta("run");
        try
        {
            using var doc = JsonDocument.Parse(run);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("run", "a JSON object describing the run (Recipe, Optimizer, Seed, BatchSize, ...)");
            if (doc.RootElement.TryGetProperty("Recipe", out var recipe)
                && (recipe.ValueKind != JsonValueKind.Object || !recipe.TryGetProperty("Model", out var model) || model.ValueKind != JsonValueKind.String))
                throw Bad("run", "a 'Recipe' object with a 'Model' name");
        }
        catch (JsonException e)
        {
            throw Bad("run", $"a JSON object describing the run ({e.Message.TrimEnd('.')})");
        }
        return new Checkpoint(file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal), epoch, step, history, run);
    }

    // Metadata quoted in an error: one line, at most 80 characters.
    private static string Clip(string text)
    {
        string line = string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 80 ? line : line[..77] + "...";
    }
}
