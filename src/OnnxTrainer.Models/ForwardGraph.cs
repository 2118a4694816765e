using OnnxTrainer.Models.Layers;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models;

/// <summary>
/// A model emitted as an ONNX graph: input "input" [N, C, H, W] float raw pixels (0..255; the model's preprocessing is
/// the first op), output "output" (probabilities), weights as
/// initializers. <see cref="Logits"/> is the value a loss starts from (the input of the final sigmoid/softmax).
/// <see cref="Layers"/> names each layer's first node and output value.
/// </summary>
public sealed record ForwardGraph(
    Graph Graph,
    Model Model,
    string Input,
    string Output,
    string? Logits,
    Activation OutputActivation,
    IReadOnlyList<DropoutMask> Masks,
    IReadOnlyList<StateUpdate> StateUpdates,
    IReadOnlyList<NamedLayer> Layers,
    string Preprocessed)
{
    public const string InputName = "input";
    public const string OutputName = "output";

    /// <summary>Emits <paramref name="model"/> with <paramref name="weights"/>; the training form has fed dropout masks and batch statistics.</summary>
    public static ForwardGraph Build(Model model, Weights weights, bool training)
    {
        weights.CheckFits(model, "the given weights");
        var b = new GraphBuilder(model.Name);
        var (h, w, c) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        string x = b.Input(InputName, TensorType.Float(TensorType.Batch, c, h, w));
        foreach (var p in model.AllParams) b.Initializer(weights[p.Name]);
        x = PreprocessingGraph.Emit(b, x, model.Preprocessing, c);
        string preprocessed = x;
        var ctx = new EmitContext(b, training);
        var layers = new List<NamedLayer>();
        foreach (var placed in model.Placed)
        {
            int first = b.Graph.Nodes.Count;
            string input = x;
            x = placed.Layer.Emit(ctx, x, placed.Input);
            string firstNode = b.Graph.Nodes.Count > first ? b.Graph.Nodes[first].Name : "";
            string activation = placed.Layer switch
            {
                Conv2D conv => conv.Activation.ToString().ToLowerInvariant(),
                Dense dense => dense.Activation.ToString().ToLowerInvariant(),
                _ => "linear",
            };
            layers.Add(new NamedLayer(placed.Layer.Name, placed.Layer.TypeName, firstNode, input, x,
                placed.Params.Select(p => p.Name).ToList(), activation));
        }
        string output = b.Op("Identity", [x], OutputName);
        b.Output(output);
        return new ForwardGraph(b.Graph, model, InputName, output, ctx.LastLogits, ctx.LastActivation, ctx.Masks, ctx.StateUpdates, layers, preprocessed);
    }
}
