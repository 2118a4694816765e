using System.Text.Json;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Training.Export;

/// <summary>
/// What the runtime library needs to know about an exported model, stored as metadata_props (keys "onnx_trainer.*").
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

    /// <summary>Defaults for a zoo model: inputs rescaled by 1/255, Grad-CAM on the last Conv2D layer.</summary>
    public static ExportInfo For(Model model, IReadOnlyList<string>? classNames = null)
    {
        int units = (int)model.OutputShape[^1];
        var names = classNames?.ToList() ?? [];
        if (names.Count == 0) names = Enumerable.Range(0, units == 1 ? 2 : units).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new ExportInfo(
            model.Name,
            model.InputShape,
            names,
            model.OutputActivation.ToString().ToLowerInvariant(),
            model.Preprocessing.Name(),
            model.Layers.OfType<Conv2D>().LastOrDefault()?.Name);
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
        if (GradCamLayer is not null) m[Prefix + "gradcam_layer"] = GradCamLayer;
        return m;
    }
}
