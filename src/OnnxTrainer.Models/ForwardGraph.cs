using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models;

/// <summary>
/// A model emitted as an ONNX graph: input "input" [N, C, H, W] float raw pixels (0..255; the model's preprocessing is
/// the first op), output "output" (probabilities), weights as
/// initializers. <see cref="Logits"/> is the value a loss starts from (the input of the final sigmoid/softmax).
/// </summary>
public sealed record ForwardGraph(
    Graph Graph,
    Model Model,
    string Input,
    string Output,
    string? Logits,
    Activation OutputActivation,
    IReadOnlyList<DropoutMask> Masks,
    IReadOnlyList<StateUpdate> StateUpdates)
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
        var ctx = new EmitContext(b, training);
        foreach (var placed in model.Placed)
            x = placed.Layer.Emit(ctx, x, placed.Input);
        string output = b.Op("Identity", [x], OutputName);
        b.Output(output);
        return new ForwardGraph(b.Graph, model, InputName, output, ctx.LastLogits, ctx.LastActivation, ctx.Masks, ctx.StateUpdates);
    }
}
