using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Formats;
using OnnxTrainer.Training.Export;

namespace OnnxTrainer.Training.Import;

public enum WeightFormat { KerasH5, Safetensors, Onnx }

public enum WeightNaming { OnnxTrainer, Keras, Torchvision, Timm }

/// <summary>What a weight import did: where from, how it was named, what was loaded, initialized or left out.</summary>
public sealed record ImportReport(
    string Path,
    WeightFormat Format,
    WeightNaming Naming,
    int LoadedTensors,
    IReadOnlyList<string> InitializedLayers,
    IReadOnlyList<string> Unused,
    Preprocessing Preprocessing,
    long Seed)
{
    /// <summary>One line for the command line's output.</summary>
    public string Describe()
    {
        string format = Format switch { WeightFormat.KerasH5 => "Keras HDF5", WeightFormat.Safetensors => "safetensors", _ => "ONNX initializers" };
        string naming = Naming switch
        {
            WeightNaming.Keras => "Keras names",
            WeightNaming.Torchvision => "torchvision names",
            WeightNaming.Timm => "timm names",
            _ => "onnx-trainer names",
        };
        var line = $"Weights: {LoadedTensors} tensors from {Path} ({format}, {naming}); preprocessing {Preprocessing.Name()} suits them";
        if (InitializedLayers.Count > 0) line += $"; head {string.Join(", ", InitializedLayers)} initialized (glorot-uniform, seed {Seed})";
        if (Unused.Count > 0) line += $"; not used (the file's classifier): {Abbreviate(Unused)}";
        return line + ".";
    }

    private static string Abbreviate(IReadOnlyList<string> names) =>
        names.Count <= 6 ? string.Join(", ", names) : string.Join(", ", names.Take(6)) + $" and {names.Count - 6} more";
}

/// <summary>Weights that fit a model, and how they were obtained.</summary>
public sealed record ImportedWeights(Weights Weights, ImportReport Report);

/// <summary>
/// Loads a model's weights from a Keras 2 HDF5 file (.h5, .hdf5), a safetensors file (our names, or torchvision/timm
/// names) or the initializers of an .onnx model, converting layouts to ours. Every tensor is matched by name and
/// shape, and a load is all or nothing:
/// <list type="bullet">
/// <item>every weight of the model's own layers (all but a head) must be in the file with its shape;</item>
/// <item>a head put on a base (<c>--head</c>) is loaded whole when the file has all of it, else initialized whole
/// from the seed (a base-only file, or a file whose own classifier does not fit the head);</item>
/// <item>file tensors no layer takes are an error, except those after the last base tensor of a file loaded into
/// a model without a classifier of its own (a base, or a base with a head): that is the file's classifier,
/// which include_top=False leaves out; they are reported as not used.</item>
/// </list>
/// Anything else fails with one error listing every missing, unexpected and mis-shaped tensor.
/// </summary>
public static class WeightFiles
{
    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/>'s weights; writes what it did to <paramref name="log"/> when
    /// given. A head the file does not hold keeps the network's own (freshly initialized) weights; <paramref name="seed"/> is
    /// the seed they were initialized with, for the report.
    /// </summary>
    public static ImportedWeights Load(string path, Network model, long seed, TextWriter? log = null)
    {
        if (!File.Exists(path)) throw new ModelException($"Weights file '{path}' does not exist.");
        var (format, naming, mapped, preprocessing) = Read(path, model);
        var imported = Assemble(path, model, seed, format, naming, mapped, preprocessing);
        log?.WriteLine(imported.Report.Describe());
        return imported;
    }

    /// <summary>
    /// The preprocessing that suits the weights in <paramref name="path"/> (see <see cref="DefaultPreprocessing"/>): what a
    /// model built for them uses unless --preprocessing says otherwise.
    /// </summary>
    public static Preprocessing PreprocessingOf(string path, long channels)
    {
        if (!File.Exists(path)) throw new ModelException($"Weights file '{path}' does not exist.");
        string ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".h5" or ".hdf5" or ".keras") return DefaultPreprocessing(WeightFormat.KerasH5, WeightNaming.Keras, channels);
        try
        {
            if (ext == ".safetensors")
            {
                var file = Safetensors.Read(path);
                return DefaultPreprocessing(WeightFormat.Safetensors, NamingOf(file.Tensors.Select(t => t.Name)), channels, file.Metadata.GetValueOrDefault(PreprocessingKey));
            }
            if (ext == ".onnx")
            {
                var graph = OnnxModel.Load(path);
                return DefaultPreprocessing(WeightFormat.Onnx, NamingOf(graph.Initializers.Select(t => t.Name)), channels,
                    graph.Metadata.GetValueOrDefault(ExportInfo.Prefix + "preprocessing"));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new ModelException($"Weights file '{path}' cannot be read: {e.Message}");
        }
        throw new ModelException($"Weights file '{path}': expected .h5 (Keras), .safetensors or .onnx, got '{ext}'.");
    }

    /// <summary>Metadata key of the preprocessing in safetensors weights written by <see cref="Save"/>.</summary>
    public const string PreprocessingKey = "preprocessing";

    /// <summary>Saves weights (no optimizer state) as safetensors with our names, atomically, recording the model's preprocessing.</summary>
    public static void Save(Weights weights, Preprocessing preprocessing, string path) =>
        Safetensors.Write(path, weights.All, new Dictionary<string, string> { [PreprocessingKey] = preprocessing.Name() });

    /// <summary>The preprocessing the weights were trained with: caffe for Keras files, torch for torchvision/timm, else rescale (or what an exported model records).</summary>
    /// <remarks>caffe and torch normalize RGB; a model with another number of input channels gets rescale.</remarks>
    public static Preprocessing DefaultPreprocessing(WeightFormat format, WeightNaming naming, long channels, string? recorded = null)
    {
        var p = recorded is not null ? PreprocessingGraph.Parse(recorded)
            : format == WeightFormat.KerasH5 ? Preprocessing.Caffe
            : naming is WeightNaming.Torchvision or WeightNaming.Timm ? Preprocessing.Torch
            : Preprocessing.Rescale;
        return p is Preprocessing.Caffe or Preprocessing.Torch && channels != 3 ? Preprocessing.Rescale : p;
    }

    private static (WeightFormat, WeightNaming, Mapped, Preprocessing) Read(string path, Network model)
    {
        string ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        long channels = model.Input.ExampleDims[0];
        try
        {
            switch (ext)
            {
                case ".h5" or ".hdf5" or ".keras":
                {
                    var mapped = Mapping.Keras(model, KerasH5.Read(path));
                    return (WeightFormat.KerasH5, WeightNaming.Keras, mapped, DefaultPreprocessing(WeightFormat.KerasH5, WeightNaming.Keras, channels));
                }
                case ".safetensors":
                {
                    var file = Safetensors.Read(path);
                    var (naming, mapped) = ByName(model, file.Tensors);
                    string? recorded = file.Metadata.GetValueOrDefault(PreprocessingKey);
                    return (WeightFormat.Safetensors, naming, mapped, DefaultPreprocessing(WeightFormat.Safetensors, naming, channels, recorded));
                }
                case ".onnx":
                {
                    var graph = OnnxModel.Load(path);
                    // An initializer that is also a graph input is an optional input's default (explain_class), not a weight.
                    var inputs = graph.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
                    var (naming, mapped) = ByName(model, graph.Initializers.Where(t => !inputs.Contains(t.Name)));
                    string? recorded = graph.Metadata.GetValueOrDefault(ExportInfo.Prefix + "preprocessing");
                    return (WeightFormat.Onnx, naming, mapped, DefaultPreprocessing(WeightFormat.Onnx, naming, channels, recorded));
                }
                default:
                    throw new ModelException($"Weights file '{path}': expected .h5 (Keras), .safetensors or .onnx, got '{ext}'.");
            }
        }
        catch (Exception e) when (e is not (ModelException or OutOfMemoryException))
        {
            // A parser of an untrusted file may fail in many ways (PureHDF, protobuf, safetensors); all mean "not readable".
            throw new ModelException($"Weights file '{path}' cannot be read: {e.Message}");
        }
    }

    /// <summary>Tensors named by a framework: torchvision/timm when their names say so, else ours. Skips our graph constants and optimizer slots.</summary>
    private static (WeightNaming, Mapped) ByName(Network model, IEnumerable<Tensor> all)
    {
        var tensors = all.Where(t => !IsNotAWeight(t.Name)).ToList();
        var sources = new List<SourceTensor>();
        var problems = new List<string>();
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (t.Elem != ElementType.Float)
            {
                // Our weights are all floats: another type is a graph constant, unless it carries a weight's name.
                if (model.Parameters.Any(p => p.Name == t.Name)) problems.Add($"{t.Name} is {t.Type}, expected 32-bit floats");
            }
            else sources.Add(new SourceTensor(t.Name, t.Dims, t.Floats, i));
        }
        var naming = NamingOf(sources.Select(s => s.Name));
        var mapped = naming == WeightNaming.OnnxTrainer ? Mapping.Ours(model, sources) : Mapping.Torch(model, sources);
        if (problems.Count > 0) mapped = mapped with { Problems = [.. problems, .. mapped.Problems] };
        return (naming, mapped);
    }

    /// <summary>torchvision when a name starts with "features.", timm when it also has "pre_logits." or "head.fc.", else ours.</summary>
    private static WeightNaming NamingOf(IEnumerable<string> names)
    {
        var list = names.ToList();
        if (!list.Any(n => n.StartsWith("features.", StringComparison.Ordinal))) return WeightNaming.OnnxTrainer;
        return list.Any(n => n.StartsWith("pre_logits.", StringComparison.Ordinal) || n.StartsWith("head.fc.", StringComparison.Ordinal))
            ? WeightNaming.Timm : WeightNaming.Torchvision;
    }

    private static bool IsNotAWeight(string name) =>
        name.StartsWith("const/", StringComparison.Ordinal) || name.StartsWith("preprocess/", StringComparison.Ordinal) ||
        name.StartsWith("rmsprop/", StringComparison.Ordinal) || name.StartsWith("sgd/", StringComparison.Ordinal) ||
        name.StartsWith("adam/", StringComparison.Ordinal) || name.StartsWith("adamw/", StringComparison.Ordinal);

    private static ImportedWeights Assemble(string path, Network model, long seed, WeightFormat format, WeightNaming naming, Mapped mapped,
        Preprocessing preprocessing)
    {
        var problems = new List<string>(mapped.Problems);
        var headLayers = model.HeadStart is null ? [] : model.Layers.SkipWhile(l => l.Name != model.HeadStart).Select(l => l.Name).ToHashSet();
        var headParams = model.Parameters.Where(p => headLayers.Contains(p.Layer)).Select(p => p.Name).ToHashSet();
        var own = model.Parameters.Where(p => !headParams.Contains(p.Name)).ToList();

        var byParam = new Dictionary<string, Match>(StringComparer.Ordinal);
        foreach (var m in mapped.Matches)
        {
            if (byParam.ContainsKey(m.Param)) problems.Add($"{m.Source.Name} is a second tensor for {m.Param}");
            else byParam[m.Param] = m;
        }
        var reported = mapped.ReportedParams?.ToHashSet() ?? [];
        foreach (var p in own.Where(p => !reported.Contains(p.Name)))
        {
            if (!byParam.TryGetValue(p.Name, out var m)) problems.Add($"missing {p.Name} [{Conversion.Dims(p.Dims)}]");
            else if (m.Problem is not null) problems.Add(m.Problem);
        }

        // The head: whole from the file, or whole from the seed.
        var unused = new List<SourceTensor>();
        bool headLoaded = headParams.Count > 0 && headParams.All(n => byParam.TryGetValue(n, out var m) && m.Data is not null);
        if (!headLoaded) unused.AddRange(byParam.Values.Where(m => headParams.Contains(m.Param)).Select(m => m.Source));

        int lastOwn = own.Select(p => byParam.TryGetValue(p.Name, out var m) ? m.Source.FileIndex : -1).DefaultIfEmpty(-1).Max();
        bool hasOwnClassifier = model.HeadStart is null && model.IsClassifier;
        foreach (var t in mapped.Unclaimed)
        {
            if (!hasOwnClassifier && t.FileIndex > lastOwn) unused.Add(t);
            else problems.Add($"unexpected {t.Name} [{Conversion.Dims(t.Dims)}]");
        }
        if (problems.Count > 0)
            throw new ModelException($"Weights file '{path}' does not fit model '{model.Name}' ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): " +
                                     $"{string.Join("; ", problems)}. Nothing was loaded.");

        var initial = model.CurrentWeights();
        var weights = new Weights();
        int loaded = 0;
        foreach (var p in model.Parameters)
        {
            if (byParam.TryGetValue(p.Name, out var m) && m.Data is not null && (headLoaded || !headParams.Contains(p.Name)))
            {
                weights.Set(Tensor.FromFloats(p.Name, m.Data, p.Dims));
                loaded++;
            }
            else weights.Set(initial[p.Name]);
        }
        var initialized = headLoaded ? [] : model.Layers.Where(l => headLayers.Contains(l.Name) && l.Params.Count > 0).Select(l => l.Name).ToList();
        var report = new ImportReport(path, format, naming, loaded, initialized,
            unused.OrderBy(t => t.FileIndex).Select(t => t.Name).ToList(), preprocessing, seed);
        return new ImportedWeights(weights, report);
    }
}
