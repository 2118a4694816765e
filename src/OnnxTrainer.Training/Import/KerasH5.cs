using PureHDF;

namespace OnnxTrainer.Training.Import;

/// <summary>One layer's weights as a file stores them: the layer's name and its tensors in the layer's weight order.</summary>
public sealed record SourceLayer(string Name, IReadOnlyList<SourceTensor> Weights);

/// <summary>A tensor as a file stores it (its own name, its own layout), with its position in the file.</summary>
public sealed record SourceTensor(string Name, long[] Dims, float[] Data, int FileIndex);

/// <summary>
/// Reads the weights of a Keras 2 HDF5 file: <c>model.save_weights('x.h5')</c> (layer groups at the root) or
/// <c>model.save('x.h5')</c> (the same under <c>model_weights</c>), as keras.applications' VGG16/VGG19 files are.
/// The root (or model_weights) lists its layers in the attribute <c>layer_names</c>; each layer group lists its
/// datasets in <c>weight_names</c>, paths relative to the group such as <c>block1_conv1/kernel:0</c>. A nested model
/// (a Sequential holding the VGG16 base) is one group whose weight names carry the inner layer names
/// (<c>vgg16/block1_conv1/kernel:0</c>); those become layers of their own. Attributes over 64 KiB are split by Keras
/// into <c>name0</c>, <c>name1</c>, ...; both forms are read.
/// </summary>
public static class KerasH5
{
    /// <summary>The file's layers that have weights, in the file's layer order.</summary>
    public static IReadOnlyList<SourceLayer> Read(string path)
    {
        using var file = H5File.OpenRead(path);
        IH5Group root = file.LinkExists("model_weights") ? file.Group("model_weights") : file;
        var layerNames = Strings(root, "layer_names")
            ?? throw new InvalidDataException(
                $"'{path}' is an HDF5 file without a 'layer_names' attribute, so not a Keras 2 weights file (save_weights or save " +
                "to .h5). Keras 3 '.weights.h5' files are not read; save the weights with a Keras 2 'model.save_weights(\"x.h5\")'.");
        var layers = new List<SourceLayer>();
        var byName = new Dictionary<string, List<SourceTensor>>(StringComparer.Ordinal);
        int index = 0;
        foreach (string layerName in layerNames)
        {
            if (!root.LinkExists(layerName))
                throw new InvalidDataException($"'{path}': layer_names lists '{layerName}', but the file has no group of that name.");
            var group = root.Group(layerName);
            foreach (string weightName in Strings(group, "weight_names") ?? [])
            {
                // "block1_conv1/kernel:0" belongs to block1_conv1; "vgg16/block1_conv1/kernel:0" in group vgg16 too;
                // a Keras 1 name without a slash ("block1_conv1_W_1:0") belongs to the group's layer.
                var parts = weightName.Split('/');
                string owner = parts.Length >= 2 ? parts[^2] : layerName;
                if (!byName.TryGetValue(owner, out var list))
                {
                    list = [];
                    byName[owner] = list;
                    layers.Add(new SourceLayer(owner, list));
                }
                list.Add(ReadDataset(path, group, layerName, weightName, index++));
            }
        }
        return layers;
    }

    private static SourceTensor ReadDataset(string path, IH5Group group, string layerName, string weightName, int index)
    {
        if (!group.LinkExists(weightName))
            throw new InvalidDataException($"'{path}': layer '{layerName}' lists weight '{weightName}', but the file has no such dataset.");
        var dataset = group.Dataset(weightName);
        long[] dims = dataset.Space.Dimensions.Select(d => (long)d).ToArray();
        var type = dataset.Type;
        float[] data = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => dataset.Read<float[]>(),
            (H5DataTypeClass.FloatingPoint, 8) => Array.ConvertAll(dataset.Read<double[]>(), d => (float)d),
            (H5DataTypeClass.FloatingPoint, 2) => Array.ConvertAll(dataset.Read<Half[]>(), h => (float)h),
            _ => throw new InvalidDataException(
                $"'{path}': dataset {layerName}/{weightName} holds {type.Class} values of {type.Size} bytes; expected 16, 32 or 64-bit floats."),
        };
        return new SourceTensor(weightName, dims, data, index);
    }

    /// <summary>
    /// A string-list attribute (fixed or variable length), or the concatenation of its Keras chunks name0, name1, ...;
    /// null when absent. An empty list may be stored as an empty array of any type.
    /// </summary>
    private static List<string>? Strings(IH5Object owner, string name)
    {
        if (owner.AttributeExists(name)) return ReadStrings(owner.Attribute(name));
        if (!owner.AttributeExists(name + "0")) return null;
        var all = new List<string>();
        for (int chunk = 0; owner.AttributeExists(name + chunk); chunk++) all.AddRange(ReadStrings(owner.Attribute(name + chunk)));
        return all;
    }

    private static List<string> ReadStrings(IH5Attribute attribute)
    {
        if (attribute.Space.Dimensions.Aggregate(1UL, (a, d) => a * d) == 0) return [];
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            throw new InvalidDataException($"Attribute '{attribute.Name}' holds {attribute.Type.Class} values; expected strings.");
        var values = attribute.Space.Rank == 0 ? [attribute.Read<string>()] : attribute.Read<string[]>();
        return values.Select(v => v.TrimEnd('\0')).ToList();
    }
}
