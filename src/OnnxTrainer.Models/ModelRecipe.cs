using System.Text.Json;

namespace OnnxTrainer.Models;

/// <summary>
/// Everything needed to rebuild a model: the zoo name, the zoo options and what is frozen. It travels as JSON
/// inside checkpoints, so a resumed run rebuilds exactly the model it saved.
/// </summary>
public sealed record ModelRecipe
{
    public required string Model { get; init; }
    public string? Head { get; init; }
    public long[]? InputShape { get; init; }
    public int? Classes { get; init; }
    public bool FreezeBase { get; init; }
    public string? TrainableFrom { get; init; }

    /// <summary>rescale (default), caffe, torch or none.</summary>
    public string? Preprocessing { get; init; }

    /// <summary>--cut: for an imported .onnx model, the value (or layer, node) its base ends at; the head goes on it.</summary>
    public string? Cut { get; init; }

    /// <summary>True when <see cref="Model"/> names an ONNX file rather than a zoo model.</summary>
    public bool IsFile => Model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>--bn-mode: frozen or train (null: train from scratch, frozen when fine-tuning pretrained weights).</summary>
    public string? BatchNorm { get; init; }

    public Model Build()
    {
        if (FreezeBase && TrainableFrom is not null)
            throw new ModelException($"--freeze-base and --trainable-from {TrainableFrom} contradict each other; give one of them.");
        if (Cut is not null)
            throw new ModelException($"--cut {Cut} applies to an imported .onnx model; zoo model '{Model}' takes --head on its base.");
        var model = Zoo.Build(Model, new ZooOptions { Head = Head, InputShape = InputShape, Classes = Classes });
        if (Preprocessing is not null) model = model.WithPreprocessing(PreprocessingGraph.Parse(Preprocessing));
        if (FreezeBase) model = model.FreezeBase();
        if (TrainableFrom is not null) model = model.TrainableFrom(TrainableFrom);
        return model;
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    public static ModelRecipe FromJson(string json) =>
        JsonSerializer.Deserialize<ModelRecipe>(json) ?? throw new InvalidDataException("Model recipe JSON is empty.");

    /// <summary>Same model structure (frozen layers may differ: fine-tuning changes them on purpose).</summary>
    public bool SameArchitecture(ModelRecipe other) =>
        Model == other.Model && Head == other.Head && Classes == other.Classes && Cut == other.Cut &&
        (InputShape ?? []).SequenceEqual(other.InputShape ?? []);
}
