using OnnxTrainer.Models.Networks;

namespace OnnxTrainer.Training.Import;

/// <summary>A file tensor matched to a model parameter by name: its values in our layout, or why they do not fit.</summary>
public sealed record Match(string Param, SourceTensor Source, float[]? Data, string? Problem);

/// <summary>
/// What a naming scheme made of a file: tensors matched to parameters, file tensors no parameter claims, and
/// problems found while matching (a layer with another number of weights than the model's layer), and the
/// parameters those problems already speak for.
/// </summary>
public sealed record Mapped(IReadOnlyList<Match> Matches, IReadOnlyList<SourceTensor> Unclaimed, IReadOnlyList<string> Problems,
    IReadOnlyCollection<string>? ReportedParams = null);

/// <summary>How a parameter's tensor is stored in a file (dims in the file's layout) and how it becomes ours.</summary>
internal sealed record Conversion(long[] SourceDims, Func<float[], float[]> ToOurs, string Layout)
{
    public static Conversion Same(long[] dims) => new(dims, d => d, "");

    public Match Apply(string param, SourceTensor source)
    {
        if (!source.Dims.SequenceEqual(SourceDims))
            return new Match(param, source, null,
                $"{source.Name} is [{Dims(source.Dims)}], the model's {param} needs [{Dims(SourceDims)}]{Layout}");
        return new Match(param, source, ToOurs(source.Data), null);
    }

    public static string Dims(long[] dims) => string.Join(",", dims);
}

/// <summary>The naming schemes weight files use, each mapped onto our parameter names.</summary>
internal static class Mapping
{
    /// <summary>
    /// Keras layer names, each layer's weights in Keras order (kernel, bias; gamma, beta, moving mean, moving
    /// variance), which is the order of our parameters. Conv kernels are HWIO; a Dense kernel right after Flatten
    /// has its rows in NHWC order.
    /// </summary>
    public static Mapped Keras(Network model, IReadOnlyList<SourceLayer> layers)
    {
        var flattened = FlattenInputs(model);
        var matches = new List<Match>();
        var unclaimed = new List<SourceTensor>();
        var problems = new List<string>();
        var reported = new List<string>();
        var byName = model.Layers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var dims = model.Parameters.ToDictionary(p => p.Name, p => p.Dims, StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            if (!byName.TryGetValue(layer.Name, out var placed) || placed.Params.Count == 0)
            {
                unclaimed.AddRange(layer.Weights);
                continue;
            }
            if (layer.Weights.Count != placed.Params.Count)
            {
                problems.Add($"layer {layer.Name} has {layer.Weights.Count} weights in the file ({string.Join(", ", layer.Weights.Select(w => w.Name))}), " +
                             $"the model's has {placed.Params.Count} ({string.Join(", ", placed.Params)})");
                reported.AddRange(placed.Params);
                continue;
            }
            for (int i = 0; i < placed.Params.Count; i++)
            {
                var p = placed.Params[i];
                matches.Add(KerasConversion(placed, dims[p], flattened.GetValueOrDefault(placed.Name)).Apply(p, layer.Weights[i]));
            }
        }
        return new Mapped(matches, unclaimed, problems, reported);
    }

    private static Conversion KerasConversion(NamedLayer placed, long[] d, long[]? flattenedMap)
    {
        if (placed.Kind == "Conv2D" && d.Length == 4) // ours [O,I,kh,kw], Keras [kh,kw,I,O]
            return new Conversion([d[2], d[3], d[1], d[0]], w => Layouts.HwioToOihw(w, d[2], d[3], d[1], d[0]), " (Keras HWIO)");
        if (placed.Kind == "Dense" && d.Length == 2 && flattenedMap is { } m)
            return new Conversion(d, w => Layouts.NhwcRowsToNchw(w, m[0], m[1], m[2], d[1]), "");
        return Conversion.Same(d);
    }

    /// <summary>Dense layers fed by a Flatten of an (H, W, C) map (possibly through Dropout), with that map's shape.</summary>
    public static Dictionary<string, long[]> FlattenInputs(Network model)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        long[]? pending = null;
        foreach (var placed in model.Layers)
        {
            var input = model.Graph.TypeOf(placed.Input).Dims;
            switch (placed.Kind)
            {
                case "Flatten" when input.Length == 4:
                    pending = [input[2], input[3], input[1]]; // (H, W, C)
                    break;
                case "Dense" when pending is not null:
                    result[placed.Name] = pending;
                    pending = null;
                    break;
                case "Dropout" or "Activation":
                    break;
                default:
                    pending = null;
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// torchvision VGG names: <c>features.{i}</c> counts every module of the feature stack (Conv2d and ReLU per
    /// convolution, MaxPool2d per block), <c>classifier.{0,3,6}</c> are the Linear layers between ReLU and Dropout
    /// modules. timm stores the same classifier as <c>pre_logits.fc1</c> (a 7x7 conv), <c>pre_logits.fc2</c> (1x1)
    /// and <c>head.fc</c>. Conv weights are OIHW like ours; Linear weights are [out, in] and are transposed; the
    /// first one reads the NCHW flatten, our order. Dense layers of a head are not mapped: a head is ours.
    /// </summary>
    public static Mapped Torch(Network model, IReadOnlyList<SourceTensor> tensors)
    {
        var table = new Dictionary<string, (string Param, Conversion Conversion)>(StringComparer.Ordinal);
        int feature = 0, linear = 0;
        var flattened = FlattenInputs(model);
        var dims = model.Parameters.ToDictionary(p => p.Name, p => p.Dims, StringComparer.Ordinal);
        foreach (var placed in model.Layers.TakeWhile(l => l.Name != model.HeadStart))
        {
            switch (placed.Kind)
            {
                case "Conv2D":
                    table[$"features.{feature}.weight"] = (placed.Params[0], Conversion.Same(dims[placed.Params[0]]));
                    if (placed.Params.Count > 1) table[$"features.{feature}.bias"] = (placed.Params[1], Conversion.Same(dims[placed.Params[1]]));
                    feature += placed.Activation == "linear" ? 1 : 2;
                    break;
                case "MaxPooling2D" or "AveragePooling2D":
                    feature++;
                    break;
                case "Dense":
                {
                    var w = dims[placed.Params[0]]; // [in, out]
                    var transpose = new Conversion([w[1], w[0]], x => Layouts.Transpose(x, w[1], w[0]), " (torch [out, in])");
                    table[$"classifier.{3 * linear}.weight"] = (placed.Params[0], transpose);
                    string timm = linear switch { 0 => "pre_logits.fc1", 1 => "pre_logits.fc2", _ => "head.fc" };
                    if (linear == 0 && model.Graph.TypeOf(placed.Input).Rank == 2 && flattened.GetValueOrDefault(placed.Name) is { } m)
                        table[timm + ".weight"] = (placed.Params[0],
                            new Conversion([w[1], m[2], m[0], m[1]], x => Layouts.Transpose(x, w[1], w[0]), " (timm conv [out, C, H, W])"));
                    else if (linear == 1)
                        table[timm + ".weight"] = (placed.Params[0],
                            new Conversion([w[1], w[0], 1, 1], x => Layouts.Transpose(x, w[1], w[0]), " (timm conv [out, in, 1, 1])"));
                    else
                        table[timm + ".weight"] = (placed.Params[0], transpose);
                    if (placed.Params.Count > 1)
                    {
                        table[$"classifier.{3 * linear}.bias"] = (placed.Params[1], Conversion.Same(dims[placed.Params[1]]));
                        table[timm + ".bias"] = (placed.Params[1], Conversion.Same(dims[placed.Params[1]]));
                    }
                    linear++;
                    break;
                }
            }
        }
        var matches = new List<Match>();
        var unclaimed = new List<SourceTensor>();
        foreach (var t in tensors)
        {
            if (table.TryGetValue(t.Name, out var entry)) matches.Add(entry.Conversion.Apply(entry.Param, t));
            else unclaimed.Add(t);
        }
        return new Mapped(matches, unclaimed, []);
    }

    /// <summary>Our own names (onnx-trainer safetensors, checkpoints, exported .onnx): same names, same layout.</summary>
    public static Mapped Ours(Network model, IReadOnlyList<SourceTensor> tensors)
    {
        var expected = model.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var matches = new List<Match>();
        var unclaimed = new List<SourceTensor>();
        foreach (var t in tensors)
        {
            if (expected.TryGetValue(t.Name, out var p)) matches.Add(Conversion.Same(p.Dims).Apply(p.Name, t));
            else unclaimed.Add(t);
        }
        return new Mapped(matches, unclaimed, []);
    }
}
