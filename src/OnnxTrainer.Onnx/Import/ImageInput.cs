namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// Finds a model's image input: its one graph input that is not a weight, float, rank 4, 1 or 3 channels. NCHW when
/// dim 1 is 1 or 3; NHWC when dim 1 is not and dim 3 is.
/// </summary>
internal static class ImageInput
{
    public static (ValueInfo Input, ImageLayout Layout) Find(Graph g, string source)
    {
        var weights = g.Initializers.Select(t => t.Name).ToHashSet();
        var inputs = g.Inputs.Where(v => !weights.Contains(v.Name)).ToList();
        if (inputs.Count != 1)
            throw new ImportException(inputs.Count == 0
                ? $"{source}: the graph has no input that is not a weight; an image model has one image input."
                : $"{source}: the graph has {inputs.Count} inputs that are not weights ({string.Join(", ", inputs.Select(v => $"{v.Name} {v.Type.ShapeText}"))}); an image model has one image input.");
        var x = inputs[0];
        string expected = "expected an image, [N,C,H,W] or [N,H,W,C] float with 1 or 3 channels";
        if (x.Type.Elem != ElementType.Float || x.Type.Rank != 4)
            throw new ImportException($"{source}: input '{x.Name}' is {Describe(x.Type)}: {expected}.");
        var d = x.Type.Dims;
        if (d[1] is 1 or 3) return (x, ImageLayout.Nchw);
        if (d[3] is 1 or 3) return (x, ImageLayout.Nhwc);
        throw new ImportException($"{source}: input '{x.Name}' is {Describe(x.Type)}, with neither 1 nor 3 channels in dimension 1 or 3: {expected}.");
    }

    private static string Describe(TensorType t) =>
        Enum.IsDefined(t.Elem) ? t.ToString() : $"element type {(int)t.Elem} {t.ShapeText}";
}
