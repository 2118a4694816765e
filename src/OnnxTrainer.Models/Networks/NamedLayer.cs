namespace OnnxTrainer.Models.Networks;

/// <summary>
/// A named point of a network's graph that options address (freezing, trainable-from, the feature-extraction cut,
/// Grad-CAM, activations): a zoo layer (its Keras name and class, its nodes starting at <see cref="FirstNode"/>, its
/// output value) or, for an imported graph, one node (its name and op type). <see cref="Input"/> is the value the layer
/// reads and <see cref="Params"/> its weights in Keras order; <see cref="Activation"/> is the fused activation of a
/// Conv2D or Dense layer ("linear" when none).
/// </summary>
public sealed record NamedLayer(string Name, string Kind, string FirstNode, string Input, string Output,
    IReadOnlyList<string> Params, string Activation = "linear");
