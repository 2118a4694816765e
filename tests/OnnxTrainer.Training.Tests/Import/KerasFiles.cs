using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using PureHDF;

namespace OnnxTrainer.Training.Tests.Import;

/// <summary>A Keras weight as Keras holds it: its name ("kernel:0"), dims in Keras layout and values.</summary>
public sealed record KerasWeight(string Name, long[] Dims, float[] Data);

/// <summary>How Keras 2 lays out the file.</summary>
public enum KerasFileKind
{
    /// <summary>model.save_weights('x.h5'): layer groups at the root.</summary>
    SaveWeights,

    /// <summary>model.save('x.h5'): the same under /model_weights, beside a model_config attribute.</summary>
    Save,

    /// <summary>A Sequential holding the base as a nested model: one group "vgg16" whose weight names carry the inner layers.</summary>
    NestedBase,

    /// <summary>Keras 1 names without the layer path, datasets right in the layer group: block1_conv1/block1_conv1_W_1:0.</summary>
    Keras1Names,
}

/// <summary>
/// Writes small HDF5 files the way Keras 2 does (PureHDF can write): root attribute layer_names, each layer a group
/// with a weight_names attribute and its datasets at group/layer/kernel:0; strings fixed-length as numpy's 'S'
/// arrays; contiguous datasets.
/// </summary>
public static class KerasFiles
{
    /// <summary>
    /// Every layer of <paramref name="model"/> in order (weightless ones with no weights), with random weights in Keras
    /// layout (conv kernels HWIO), preceded by the functional model's input_1.
    /// </summary>
    public static List<(string Layer, List<KerasWeight> Weights)> RandomWeights(Model model, int seed)
    {
        var layers = new List<(string, List<KerasWeight>)> { ("input_1", []) };
        int s = seed;
        foreach (var placed in model.Placed)
        {
            var list = new List<KerasWeight>();
            foreach (var p in placed.Params)
            {
                long[] d = p.Dims;
                long[] keras = placed.Layer is Conv2D && d.Length == 4 ? [d[2], d[3], d[1], d[0]] : d;
                string name = p.Name.EndsWith("/W", StringComparison.Ordinal) ? "kernel:0" : p.Name.EndsWith("/B", StringComparison.Ordinal) ? "bias:0" : p.Name.Split('/')[^1] + ":0";
                list.Add(new KerasWeight(name, keras, OnnxTrainer.TestSupport.Numeric.Random((int)p.Count, s++, -0.5f, 0.5f)));
            }
            layers.Add((placed.Layer.Name, list));
        }
        return layers;
    }

    /// <summary>
    /// Writes <paramref name="layers"/> as Keras 2 would; with <see cref="KerasFileKind.NestedBase"/> the first
    /// <paramref name="nestedCount"/> layers go into one group <paramref name="nestedName"/>.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Layer, List<KerasWeight> Weights)> layers, KerasFileKind kind,
        string nestedName = "vgg16", int nestedCount = 0)
    {
        var groups = new List<(string Name, H5Group Group)>();
        if (kind == KerasFileKind.NestedBase)
        {
            var inner = new H5Group();
            var names = new List<string>();
            foreach (var (layer, weights) in layers.Take(nestedCount).Where(l => l.Weights.Count > 0))
            {
                var g = new H5Group();
                foreach (var w in weights) g[w.Name] = Dataset(w);
                inner[layer] = g;
                names.AddRange(weights.Select(w => $"{layer}/{w.Name}"));
            }
            inner.Attributes = new() { ["weight_names"] = names.ToArray() };
            groups.Add((nestedName, inner));
            layers = layers.Skip(nestedCount).ToList();
        }
        foreach (var (layer, weights) in layers)
        {
            var group = new H5Group();
            if (weights.Count == 0)
            {
                group.Attributes = new() { ["weight_names"] = Array.Empty<double>() }; // numpy's empty list: float64[0]
            }
            else if (kind == KerasFileKind.Keras1Names)
            {
                string Keras1(KerasWeight w) => $"{layer}_{(w.Name == "kernel:0" ? "W" : w.Name == "bias:0" ? "b" : w.Name.Split(':')[0])}_1:0";
                foreach (var w in weights) group[Keras1(w)] = Dataset(w);
                group.Attributes = new() { ["weight_names"] = weights.Select(Keras1).ToArray() };
            }
            else
            {
                var inner = new H5Group();
                foreach (var w in weights) inner[w.Name] = Dataset(w);
                group[layer] = inner;
                group.Attributes = new() { ["weight_names"] = weights.Select(w => $"{layer}/{w.Name}").ToArray() };
            }
            groups.Add((layer, group));
        }
        var attributes = new Dictionary<string, object>
        {
            ["layer_names"] = groups.Select(g => g.Name).ToArray(),
            ["backend"] = "tensorflow",
            ["keras_version"] = "2.2.4",
        };
        var file = new H5File();
        var root = kind == KerasFileKind.Save ? new H5Group() : file;
        foreach (var (name, group) in groups) root[name] = group;
        root.Attributes = attributes;
        if (kind == KerasFileKind.Save)
        {
            file["model_weights"] = root;
            file.Attributes = new() { ["model_config"] = "{\"class_name\": \"Sequential\"}", ["keras_version"] = "2.2.4" };
        }
        // Fixed-length strings as numpy 'S' arrays (what h5py writes for Keras), contiguous datasets as Keras' create_dataset.
        file.Write(path, new H5WriteOptions(DefaultStringLength: 64, PreferCompactDatasetLayout: false));
    }

    private static H5Dataset Dataset(KerasWeight w) => new(w.Data, fileDims: w.Dims.Select(d => (ulong)d).ToArray());
}
