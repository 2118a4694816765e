using System.Globalization;
using System.Text.Json;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;

namespace OnnxTrainer.Training.Export;

/// <summary>
/// What the runtime library needs to know about an exported model, stored as metadata_props (keys "onnx_trainer.*").
/// <see cref="ModelName"/> is the network's name (for the zoo "vgg16-base+dense256", which Zoo.Build accepts back);
/// <see cref="GradCamLayer"/> is the layer (layer, node or value name) whose Grad-CAM outputs the export adds (null: none).
/// </summary>
public sealed record ExportInfo(
    string ModelName,
    long[] InputShape,
    IReadOnlyList<string> ClassNames,
    string OutputActivation,
    string Preprocessing,
    string? GradCamLayer)
{
    public const string Prefix = "onnx_trainer.";

    /// <summary>The class score Grad-CAM differentiates (see ExplainOutputs): the classifier's pre-activation logit.</summary>
    public const string ExplainScore = "logit";

    /// <summary>
    /// What the runtime needs to know about <paramref name="network"/>: class names from the network, or "0", "1", ...
    /// (two for a sigmoid unit), Grad-CAM on the network's default layer (none for a model without a softmax or sigmoid output).
    /// </summary>
    public static ExportInfo For(Network network)
    {
        int classes = network.Classes;
        var names = network.ClassNames.ToList();
        bool classifier = network.IsClassifier;
        if (names.Count == 0) names = Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        else if (!classifier || names.Count != classes)
            throw new ModelException(classifier
                ? $"Model '{network.Name}' has {classes} classes{(network.Units == 1 ? " (one sigmoid unit)" : "")}; got {names.Count} class names ({string.Join(", ", names)})."
                : $"Model '{network.Name}' is not a classifier (its output is {Kind(network)}); class names need a classifier head.");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count || names.Any(string.IsNullOrWhiteSpace))
            throw new ModelException($"Class names must be distinct and not empty; got {string.Join(", ", names.Select(n => $"'{n}'"))}.");
        return new ExportInfo(network.Name, network.Input.KerasShape, names, Kind(network), network.Input.Preprocessing,
            classifier ? network.GradCamLayer : null)
        {
            InputName = network.Input.Name,
            OutputName = network.Output,
            Freezing = network.Freezing,
            HeadStart = network.HeadStart,
        };
    }

    /// <summary>"MODEL" or "MODEL+HEAD", the name Zoo.Build takes back.</summary>
    public static string ZooName(ModelRecipe recipe) => recipe.Head is null ? recipe.Model : $"{recipe.Model}+{recipe.Head}";

    /// <summary>The graph's input value (metadata input_name).</summary>
    public string InputName { get; init; } = ForwardGraph.InputName;

    /// <summary>The graph's output value (metadata output_name).</summary>
    public string OutputName { get; init; } = ForwardGraph.OutputName;

    /// <summary>How the exported weights were trained: which parameters were frozen ("freeze-base", "trainable-from:NAME").</summary>
    public string? Freezing { get; init; }

    /// <summary>The first layer of the head (the feature-extraction cut is its input).</summary>
    public string? HeadStart { get; init; }

    /// <summary>
    /// Grad-CAM on <paramref name="layer"/> instead (null: no explain outputs). The layer (a layer, node or value name)
    /// must give a feature map [N,K,h,w] below the classifier of a softmax or sigmoid model.
    /// </summary>
    public ExportInfo WithGradCamLayer(Network network, string? layer)
    {
        if (layer is null) return this with { GradCamLayer = null };
        if (!network.IsClassifier)
            throw new ModelException($"Model '{ModelName}' has no classifier (its output is {OutputActivation}); Grad-CAM explains a softmax or sigmoid class score. Add a head, for example --head dense256.");
        var maps = network.FeatureMaps.Select(l => l.Name).ToList();
        string? value = maps.Contains(layer) ? network.ValueOf(layer) : null;
        if (value is null && network.Graph.Types.TryGetValue(layer, out var t) && t.Rank == 4) value = layer;
        if (value is null)
            throw new ModelException($"Grad-CAM layer '{layer}' is not a feature-map layer of model '{ModelName}'. Expected one of: {string.Join(", ", maps)}.");
        return this with { GradCamLayer = layer };
    }

    private static string Kind(Network network) => network.OutputKind.ToString().ToLowerInvariant();

    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var m = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Prefix + "model"] = ModelName,
            [Prefix + "input_name"] = InputName,
            [Prefix + "output_name"] = OutputName,
            [Prefix + "input_shape"] = string.Join(",", InputShape),
            [Prefix + "layout"] = "NCHW",
            [Prefix + "class_names"] = JsonSerializer.Serialize(ClassNames),
            [Prefix + "output_activation"] = OutputActivation,
            [Prefix + "head"] = OutputActivation == "sigmoid" ? "binary" : OutputActivation == "softmax" ? "categorical" : "other",
            [Prefix + "preprocessing"] = Preprocessing,
        };
        if (Freezing is not null) m[Prefix + "freezing"] = Freezing;
        if (HeadStart is not null) m[Prefix + "head_start"] = HeadStart;
        if (GradCamLayer is not null)
        {
            m[Prefix + "gradcam_layer"] = GradCamLayer;
            m[Prefix + "explain_score"] = ExplainScore;
        }
        return m;
    }
}
