namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// Output types of a node for the importer: <see cref="ShapeInference"/>; for the ops it has no rule for yet
/// (Split, Clip, LeakyRelu, PRelu, HardSigmoid, HardSwish) the rule here, until the op registry has them.
/// </summary>
internal static class ImportShapes
{
    private static readonly HashSet<string> Fallback = ["Split", "Clip", "LeakyRelu", "PRelu", "HardSigmoid", "HardSwish"];

    public static TensorType[] Infer(Node n, Graph graph)
    {
        try
        {
            return ShapeInference.Infer(n, graph);
        }
        catch (InvalidOperationException) when (Fallback.Contains(n.OpType))
        {
            return n.OpType == "Split" ? Split(n, graph) : [graph.TypeOf(n.Inputs[0])];
        }
    }

    /// <summary>One output per split size, the input's type with that size on the axis.</summary>
    private static TensorType[] Split(Node n, Graph graph)
    {
        var x = graph.TypeOf(n.Inputs[0]);
        int axis = (int)n.Int("axis", 0);
        if (axis < 0) axis += x.Rank;
        var sizes = graph.FindInitializer(n.Inputs[1])?.Int64s
            ?? throw new InvalidOperationException($"Split node '{n.Name}': the split sizes must be a constant.");
        return sizes.Select(s =>
        {
            var d = (long[])x.Dims.Clone();
            d[axis] = s;
            return x.WithDims(d);
        }).ToArray();
    }
}
