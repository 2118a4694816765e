using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Steps;

/// <summary>
/// How targets are fed for a loss: float [N,1] for binary, one-hot float [N,K], int64 [N] for sparse (the values are
/// written by OnnxTrainer.Data's TargetEncoder).
/// </summary>
public static class Targets
{
    /// <summary>The graph input the targets are fed to.</summary>
    public const string Name = "target";

    /// <summary>The type of <see cref="Name"/> for <paramref name="loss"/> on <paramref name="network"/>'s output: int64 [N] for sparse, else float [N, output dims...].</summary>
    /// <exception cref="OnnxTrainer.Models.ModelException">Binary crossentropy on a network with more than one output unit.</exception>
    public static TensorType TypeFor(LossKind loss, Network network)
    {
        long units = network.Units;
        if (loss == LossKind.BinaryCrossentropy && units != 1)
            throw new ModelException($"binary_crossentropy needs a model with one sigmoid output unit; '{network.Name}' has {units} outputs (use categorical_crossentropy).");
        return loss == LossKind.SparseCategoricalCrossentropy
            ? TensorType.Int64(TensorType.Batch)
            : TensorType.Float([TensorType.Batch, .. network.Graph.TypeOf(network.Output).Dims[1..]]);
    }

    /// <summary>The loss Keras users pick for this output: sigmoid -> binary, softmax -> categorical crossentropy.</summary>
    public static LossKind DefaultLoss(Network network) => network.OutputKind switch
    {
        OutputKind.Sigmoid => LossKind.BinaryCrossentropy,
        OutputKind.Softmax => LossKind.CategoricalCrossentropy,
        _ => LossKind.MeanSquaredError,
    };

    /// <summary>Keras 'acc': binary accuracy for one output unit, categorical accuracy otherwise.</summary>
    public static string Metric(GraphBuilder b, Network network, string output, string target) =>
        network.Units == 1 ? Metrics.BinaryAccuracy(b, output, target) : Metrics.CategoricalAccuracy(b, output, target);
}
