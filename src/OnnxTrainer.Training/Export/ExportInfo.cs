using System.Globalization;
using System.Text.Json;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Training.Export;

/// <summary>
/// What the runtime library needs to know about an exported model, stored as metadata_props (keys "onnx_trainer.*").
/// <see cref="ModelName"/> is the zoo name ("vgg16-base+dense256", which Zoo.Build accepts back); <see cref="GradCamLayer"/>
/// is the layer whose Grad-CAM outputs the export adds (null: none).
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
    /// Defaults for a model: class names "0", "1", ... unless given (two for a sigmoid unit), Grad-CAM on the last Conv2D
    /// layer of a classifier (none for a model without a softmax or sigmoid output). <paramref name="zooName"/> names the
    /// model (default: <see cref="Model.Name"/>, which for a bare VGG base is its Keras name "vgg16", not "vgg16-base").
    /// </summary>
    public static ExportInfo For(Model model, IReadOnlyList<string>? classNames = null, string? zooName = null)
    {
        int units = (int)model.OutputShape[^1];
        int classes = units == 1 ? 2 : units;
        var names = classNames?.ToList() ?? [];
        bool classifier = model.OutputActivation is Activation.Sigmoid or Activation.Softmax;
        if (names.Count == 0) names = Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        else if (!classifier || names.Count != classes)
            throw new ModelException(classifier
                ? $"Model '{model.Name}' has {classes} classes{(units == 1 ? " (one sigmoid unit)" : "")}; got {names.Count} class names ({string.Join(", ", names)})."
                : $"Model '{model.Name}' is not a classifier (its output is {model.OutputActivation.ToString().ToLowerInvariant()}); class names need a classifier head.");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count || names.Any(string.IsNullOrWhiteSpace))
            throw new ModelException($"Class names must be distinct and not empty; got {string.Join(", ", names.Select(n => $"'{n}'"))}.");
        return new ExportInfo(
            zooName ?? model.Name,
            model.InputShape,
            names,
            model.OutputActivation.ToString().ToLowerInvariant(),
            model.Preprocessing.Name(),
            classifier ? model.Layers.OfType<Conv2D>().LastOrDefault()?.Name : null);
    }

    /// <summary>The same for a model rebuilt from <paramref name="recipe"/>: named by its zoo name MODEL or MODEL+HEAD.</summary>
    public static ExportInfo For(ModelRecipe recipe, Model model, IReadOnlyList<string>? classNames = null) =>
        For(model, classNames, ZooName(recipe));

    /// <summary>"MODEL" or "MODEL+HEAD", the name Zoo.Build takes back.</summary>
    public static string ZooName(ModelRecipe recipe) => recipe.Head is null ? recipe.Model : $"{recipe.Model}+{recipe.Head}";

    /// <summary>
    /// Grad-CAM on <paramref name="layer"/> instead (null: no explain outputs). The layer must give a feature map
    /// (Conv2D or pooling) below the classifier of a softmax or sigmoid model.
    /// </summary>
    public ExportInfo WithGradCamLayer(Model model, string? layer)
    {
        if (layer is null) return this with { GradCamLayer = null };
        if (model.OutputActivation is not (Activation.Sigmoid or Activation.Softmax))
            throw new ModelException($"Model '{ModelName}' has no classifier (its output is {OutputActivation}); Grad-CAM explains a softmax or sigmoid class score. Add a head, for example --head dense256.");
        var maps = model.Placed.Where(p => p.Output.Length == 3).Select(p => p.Layer.Name).ToList();
        if (!maps.Contains(layer))
            throw new ModelException($"Grad-CAM layer '{layer}' is not a feature-map layer of model '{ModelName}'. Expected one of: {string.Join(", ", maps)}.");
        return this with { GradCamLayer = layer };
    }

    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var m = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Prefix + "model"] = ModelName,
            [Prefix + "input_name"] = ForwardGraph.InputName,
            [Prefix + "output_name"] = ForwardGraph.OutputName,
            [Prefix + "input_shape"] = string.Join(",", InputShape),
            [Prefix + "layout"] = "NCHW",
            [Prefix + "class_names"] = JsonSerializer.Serialize(ClassNames),
            [Prefix + "output_activation"] = OutputActivation,
            [Prefix + "head"] = OutputActivation == "sigmoid" ? "binary" : OutputActivation == "softmax" ? "categorical" : "other",
            [Prefix + "preprocessing"] = Preprocessing,
        };
        if (GradCamLayer is not null)
        {
            m[Prefix + "gradcam_layer"] = GradCamLayer;
            m[Prefix + "explain_score"] = ExplainScore;
        }
        return m;
    }
}
