using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Formats;

namespace OnnxTrainer.Training.Checkpoints;

/// <summary>
/// Loads model weights from a file by parameter name: safetensors written by onnx-trainer (a checkpoint or saved
/// weights) or the initializers of an .onnx model. Every tensor is matched by name and shape; anything that does
/// not fit is an error listing all mismatches, never a partial load. Weights of a head the file lacks (a base-only
/// file for a base + head model) are initialized from the seed.
/// </summary>
public static class WeightFiles
{
    public static Weights Load(string path, Model model, long seed)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        IEnumerable<Tensor> tensors = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => Safetensors.Read(path).Tensors,
            ".onnx" => OnnxModel.Load(path).Initializers,
            var ext => throw new ArgumentException($"Weights file '{path}': expected .safetensors or .onnx, got '{ext}'."),
        };
        var expected = model.AllParams.ToDictionary(p => p.Name);
        var found = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var t in tensors)
        {
            if (t.Name.StartsWith("const/", StringComparison.Ordinal) || IsOptimizerSlot(t.Name)) continue;
            if (!expected.TryGetValue(t.Name, out var p)) problems.Add($"unexpected tensor {t.Name} [{string.Join(",", t.Dims)}]");
            else if (!t.Dims.SequenceEqual(p.Dims) || t.Elem != ElementType.Float)
                problems.Add($"{t.Name} is {t.Type}, the model needs f32[{string.Join(",", p.Dims)}]");
            else found[t.Name] = t;
        }
        var baseLayers = model.BaseName is null ? model.Layers : model.Layers.Take(model.BaseLayerCount);
        var required = baseLayers.SelectMany(l => model.Layer(l.Name).Params).Select(p => p.Name);
        foreach (var name in required.Where(n => !found.ContainsKey(n)))
            problems.Add($"missing {name} [{string.Join(",", expected[name].Dims)}]");
        if (problems.Count > 0)
            throw new ModelException($"Weights file '{path}' does not fit model '{model.Name}': {string.Join("; ", problems)}.");
        var initial = Weights.Initialize(model, seed);
        var w = new Weights();
        foreach (var p in model.AllParams) w.Set(found.TryGetValue(p.Name, out var t) ? t : initial[p.Name]);
        return w;
    }

    /// <summary>Saves weights (no optimizer state) as safetensors, atomically.</summary>
    public static void Save(Weights weights, string path) => Safetensors.Write(path, weights.All);

    private static bool IsOptimizerSlot(string name) =>
        name.StartsWith("rmsprop/", StringComparison.Ordinal) || name.StartsWith("sgd/", StringComparison.Ordinal) ||
        name.StartsWith("adam/", StringComparison.Ordinal) || name.StartsWith("adamw/", StringComparison.Ordinal);
}
