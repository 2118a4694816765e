using OnnxTrainer.Onnx.Ops;

namespace OnnxTrainer.Onnx;

/// <summary>
/// Output types of a node from its input types and constant inputs, by the op's shape rule in <see cref="OpRegistry"/>.
/// The batch dimension stays symbolic. An op without a rule here must be given its output types.
/// </summary>
public static class ShapeInference
{
    /// <summary>The output types of <paramref name="node"/> in <paramref name="graph"/>, one per output.</summary>
    /// <exception cref="InvalidOperationException">The op has no shape rule, or the rule cannot handle these inputs.</exception>
    public static TensorType[] Infer(Node node, Graph graph) =>
        OpRegistry.Find(node.OpType)?.Shape(new ShapeContext(node, graph))
        ?? throw new InvalidOperationException(
            $"No shape rule for {node.OpType} node '{node.Name}' with these inputs; pass the output types to GraphBuilder.Node.");
}
