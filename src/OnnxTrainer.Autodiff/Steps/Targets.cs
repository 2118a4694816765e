using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Steps;

/// <summary>How targets are fed for a loss: float [N,1] for binary, one-hot float [N,K], int64 [N] for sparse.</summary>
public static class Targets
{
    public const string Name = "target";

    public static TensorType TypeFor(LossKind loss, Model model)
    {
        long units = model.OutputShape[^1];
        return loss switch
        {
            LossKind.SparseCategoricalCrossentropy => TensorType.Int64(TensorType.Batch),
            _ => TensorType.Float([TensorType.Batch, .. model.OutputShape]),
        } is var t && loss == LossKind.BinaryCrossentropy && units != 1
            ? throw new ModelException($"binary_crossentropy needs a model with one sigmoid output unit; '{model.Name}' has {units} outputs (use categorical_crossentropy).")
            : t;
    }

    /// <summary>The loss Keras users pick for this output: sigmoid -> binary, softmax -> categorical crossentropy.</summary>
    public static LossKind DefaultLoss(Model model) => model.OutputActivation switch
    {
        Activation.Sigmoid => LossKind.BinaryCrossentropy,
        Activation.Softmax => LossKind.CategoricalCrossentropy,
        _ => LossKind.MeanSquaredError,
    };

    /// <summary>Keras 'acc': binary accuracy for one output unit, categorical accuracy otherwise.</summary>
    public static string Metric(GraphBuilder b, Model model, string output, string target) =>
        model.OutputShape[^1] == 1 ? Metrics.BinaryAccuracy(b, output, target) : Metrics.CategoricalAccuracy(b, output, target);
}
