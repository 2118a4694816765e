using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Models.Networks;

/// <summary>The zoo's producer of the network contract: a layer-list <see cref="Model"/> and its weights as a <see cref="Network"/>.</summary>
public static class ZooNetwork
{
    /// <summary>
    /// The network of <paramref name="model"/> (its training form) with <paramref name="weights"/>. Frozen layers'
    /// weights are frozen parameters, batch-norm moving statistics are state. <paramref name="name"/> overrides the
    /// model's name (the zoo name "vgg16-base" instead of Keras' "vgg16").
    /// </summary>
    public static Network Build(Model model, Weights weights, string? name = null, BatchNormMode batchNorm = BatchNormMode.Train)
    {
        var fwd = ForwardGraph.Build(model, weights, training: true);
        var parameters = model.Placed.SelectMany(placed => placed.Params.Select(p => new NetworkParameter(p.Name, p.Dims,
            !p.Trainable ? ParameterRole.State : placed.Trainable ? ParameterRole.Trainable : ParameterRole.Frozen, placed.Layer.Name))).ToList();
        bool classifier = fwd.OutputActivation is Activation.Softmax or Activation.Sigmoid;
        string? headStart = model.BaseName is null ? null : model.Layers[model.BaseLayerCount].Name;
        string? freezing = model.Frozen.Count == 0 ? null
            : headStart is not null && model.Layers.Take(model.BaseLayerCount).All(l => model.Frozen.Contains(l.Name)) &&
              model.Layers.Skip(model.BaseLayerCount).All(l => !model.Frozen.Contains(l.Name)) ? "freeze-base"
            : model.Layers.FirstOrDefault(l => !model.Frozen.Contains(l.Name)) is { } first ? "trainable-from:" + first.Name
            : "frozen";
        return new Network
        {
            Name = name ?? model.Name,
            Graph = fwd.Graph,
            Input = new NetworkInput(fwd.Input, [model.InputShape[2], model.InputShape[0], model.InputShape[1]], model.Preprocessing.Name()),
            Preprocessed = fwd.Preprocessed,
            Output = fwd.Output,
            OutputKind = fwd.OutputActivation switch
            {
                Activation.Softmax => OutputKind.Softmax,
                Activation.Sigmoid => OutputKind.Sigmoid,
                _ => OutputKind.Linear,
            },
            Logits = fwd.Logits,
            Layers = fwd.Layers,
            Parameters = parameters,
            Masks = fwd.Masks,
            StateUpdates = fwd.StateUpdates,
            HeadStart = headStart,
            GradCamLayer = classifier ? model.Layers.OfType<Conv2D>().LastOrDefault()?.Name : null,
            BatchNormMode = batchNorm,
            Freezing = freezing,
        };
    }

    /// <summary>A network with freshly initialized weights (glorot-uniform kernels, zero biases; Keras defaults, seeded).</summary>
    public static Network Initialize(Model model, long seed, string? name = null) => Build(model, Weights.Initialize(model, seed), name);
}
