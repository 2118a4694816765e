using System.Globalization;
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

    public static Checkpoint Load(string path)
    {
        var file = Safetensors.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException($"Checkpoint '{path}' has no '{key}' metadata; it was not written by onnx-trainer ({Format}).");
        if (Meta("format") != Format)
            throw new InvalidDataException($"Checkpoint '{path}' has format '{Meta("format")}', expected '{Format}'.");
        return new Checkpoint(
            file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal),
            int.Parse(Meta("epoch"), CultureInfo.InvariantCulture),
            long.Parse(Meta("step"), CultureInfo.InvariantCulture),
            History.FromJson(Meta("history")),
            Meta("run"));
    }
}
