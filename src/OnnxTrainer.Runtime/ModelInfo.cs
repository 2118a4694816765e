using System.Globalization;
using System.Text.Json;

namespace OnnxTrainer.Runtime;

/// <summary>What kind of classifier a model ends in.</summary>
public enum HeadKind
{
    /// <summary>One sigmoid unit: p is the probability of class 1, 1 - p that of class 0.</summary>
    Binary,

    /// <summary>An N-way softmax.</summary>
    Categorical,

    /// <summary>No classifier (a convolutional base): predictions are the raw output.</summary>
    Other,
}

/// <summary>
/// A model's description, read from the metadata_props OnnxTrainer's export writes (keys "onnx_trainer.*"): the zoo
/// name, input size and channels, preprocessing, class names, head kind and the Grad-CAM layer.
/// </summary>
public sealed class ModelInfo
{
    /// <summary>The metadata key prefix.</summary>
    public const string Prefix = "onnx_trainer.";

    private ModelInfo(string name, string inputName, string outputName, int height, int width, int channels, IReadOnlyList<string> classNames,
        HeadKind head, string preprocessing, string? gradCamLayer)
    {
        Name = name;
        InputName = inputName;
        OutputName = outputName;
        Height = height;
        Width = width;
        Channels = channels;
        ClassNames = classNames;
        Head = head;
        Preprocessing = preprocessing;
        GradCamLayer = gradCamLayer;
    }

    /// <summary>The zoo name, such as "vgg16-base+dense256".</summary>
    public string Name { get; }

    /// <summary>The graph input that takes images: float [N, C, H, W], raw 0..255 RGB pixels.</summary>
    public string InputName { get; }

    /// <summary>The graph output with the predictions (probabilities for classifiers).</summary>
    public string OutputName { get; }

    /// <summary>Input height in pixels.</summary>
    public int Height { get; }

    /// <summary>Input width in pixels.</summary>
    public int Width { get; }

    /// <summary>Input channels: 3 (RGB) or 1 (grayscale).</summary>
    public int Channels { get; }

    /// <summary>Class names in class order (two for a sigmoid unit).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The classifier kind.</summary>
    public HeadKind Head { get; }

    /// <summary>The graph's own first op on raw pixels: rescale, caffe, torch or none (informational; the graph applies it).</summary>
    public string Preprocessing { get; }

    /// <summary>The layer the model's Grad-CAM outputs explain, or null when it has none.</summary>
    public string? GradCamLayer { get; }

    /// <summary>The index of class <paramref name="name"/> (exact, then case-insensitive match).</summary>
    /// <exception cref="ArgumentException">No class has that name; the message lists the classes.</exception>
    public int ClassIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < ClassNames.Count; i++) if (ClassNames[i] == name) return i;
        for (int i = 0; i < ClassNames.Count; i++) if (string.Equals(ClassNames[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentException(Head == HeadKind.Other
            ? $"Model '{Name}' has no classes (it is not a classifier); cannot select class '{name}'."
            : $"Model '{Name}' has no class '{name}'. Its classes: {string.Join(", ", ClassNames)}.", nameof(name));
    }

    /// <summary>Reads the description from a model's metadata_props.</summary>
    /// <exception cref="InvalidDataException">A key is missing or malformed; the message says which and what was expected.</exception>
    public static ModelInfo FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string Get(string key) => metadata.TryGetValue(Prefix + key, out var v)
            ? v
            : throw new InvalidDataException($"The model has no '{Prefix}{key}' metadata: it was not exported by OnnxTrainer, or by an older version; export it again with onnx-trainer export or train.");
        string name = Get("model");
        var shape = Get("input_shape").Split(',');
        var dims = new int[shape.Length];
        if (shape.Length != 3 || !shape.Select((s, i) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) && dims[i] > 0).All(ok => ok))
            throw new InvalidDataException($"'{Prefix}input_shape' must be H,W,C with three positive whole numbers, got '{Get("input_shape")}'.");
        if (dims[2] is not (1 or 3))
            throw new InvalidDataException($"The model takes {dims[2]} channels; images give 1 (grayscale) or 3 (RGB).");
        if (Get("layout") != "NCHW") throw new InvalidDataException($"'{Prefix}layout' must be NCHW, got '{Get("layout")}'.");
        var head = Get("output_activation") switch
        {
            "sigmoid" => HeadKind.Binary,
            "softmax" => HeadKind.Categorical,
            _ => HeadKind.Other,
        };
        List<string> names;
        try
        {
            names = JsonSerializer.Deserialize<List<string>>(Get("class_names")) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{Prefix}class_names' must be a JSON array of strings, got '{Get("class_names")}'.", e);
        }
        if (head == HeadKind.Binary && names.Count != 2)
            throw new InvalidDataException($"A sigmoid model needs two class names, '{Prefix}class_names' has {names.Count}.");
        if (head == HeadKind.Other) names = [];
        return new ModelInfo(name, Get("input_name"), Get("output_name"), dims[0], dims[1], dims[2], names, head, Get("preprocessing"),
            metadata.TryGetValue(Prefix + "gradcam_layer", out var layer) ? layer : null);
    }
}
