using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Models;

/// <summary>A layer placed in a model: its Keras input and output shapes, its weights and whether they train.</summary>
public sealed record PlacedLayer(Layer Layer, long[] Input, long[] Output, IReadOnlyList<ParamSpec> Params, bool Trainable)
{
    public long ParamCount => Params.Sum(p => p.Count);
}

/// <summary>
/// A sequential model: an input shape (H, W, C), its layers, optionally a named base made of its first layers
/// (printed as one "(Model)" row, as Keras prints a nested base), and which layers are frozen.
/// </summary>
public sealed class Model
{
    public Model(string name, long[] inputShape, IReadOnlyList<Layer> layers, string? baseName = null, int baseLayerCount = 0,
        bool functionalInput = false, IReadOnlySet<string>? frozen = null, Preprocessing preprocessing = Preprocessing.Rescale)
    {
        if (inputShape.Length != 3 || inputShape.Any(d => d <= 0))
            throw new ModelException($"Model '{name}': input shape must be (H, W, C) with positive sizes, got ({string.Join(", ", inputShape)}).");
        var duplicate = layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ModelException($"Model '{name}' has two layers named '{duplicate.Key}'.");
        Name = name;
        InputShape = inputShape;
        Layers = layers;
        BaseName = baseName;
        BaseLayerCount = baseLayerCount;
        FunctionalInput = functionalInput;
        Frozen = frozen ?? new HashSet<string>();
        Preprocessing = preprocessing;
        var placed = new List<PlacedLayer>();
        var shape = inputShape;
        foreach (var layer in layers)
        {
            long[] output;
            IReadOnlyList<ParamSpec> ps;
            try
            {
                output = layer.OutputShape(shape);
                ps = layer.Params(shape);
            }
            catch (ModelException e)
            {
                // A layer knows only its own input; say which model and model input led to it.
                throw new ModelException($"Model '{name}' with input ({string.Join(", ", inputShape)}): {e.Message}");
            }
            placed.Add(new PlacedLayer(layer, shape, output, ps, !Frozen.Contains(layer.Name)));
            shape = output;
        }
        Placed = placed;
    }

    public string Name { get; }

    /// <summary>Keras input shape (H, W, C).</summary>
    public long[] InputShape { get; }

    public IReadOnlyList<Layer> Layers { get; }

    public IReadOnlyList<PlacedLayer> Placed { get; }

    /// <summary>Keras name of the nested base ("vgg16"), or null for a plain sequential model.</summary>
    public string? BaseName { get; }

    /// <summary>
    /// How many of the first layers form the base: the nested base when <see cref="BaseName"/> is set, else the
    /// convolutional stack that a head replaces the classifier above (all layers for a base model).
    /// </summary>
    public int BaseLayerCount { get; }

    /// <summary>True for Keras functional models, whose summary starts with an input_1 (InputLayer) row.</summary>
    public bool FunctionalInput { get; }

    public IReadOnlySet<string> Frozen { get; }

    /// <summary>The graph's first op: how raw 0..255 RGB pixels become the network's input.</summary>
    public Preprocessing Preprocessing { get; }

    public long[] OutputShape => Placed.Count == 0 ? InputShape : Placed[^1].Output;

    public IEnumerable<ParamSpec> AllParams => Placed.SelectMany(p => p.Params);

    /// <summary>Weights a training step updates: trainable layers' trainable tensors (not batch-norm statistics).</summary>
    public IEnumerable<ParamSpec> TrainableParams => Placed.Where(p => p.Trainable).SelectMany(p => p.Params).Where(p => p.Trainable);

    /// <summary>
    /// Tensors a trainer carries between steps: every weight of a trainable layer (its trainable tensors and
    /// its state, such as batch-norm moving statistics). Frozen layers' weights stay constants.
    /// </summary>
    public IEnumerable<ParamSpec> CarriedParams => Placed.Where(p => p.Trainable).SelectMany(p => p.Params);

    public long TotalParams => AllParams.Sum(p => p.Count);

    public long TrainableParamCount => TrainableParams.Sum(p => p.Count);

    public long NonTrainableParamCount => TotalParams - TrainableParamCount;

    /// <summary>len(model.weights) in Keras.</summary>
    public int WeightCount => AllParams.Count();

    /// <summary>len(model.trainable_weights) in Keras.</summary>
    public int TrainableWeightCount => TrainableParams.Count();

    /// <summary>Activation of the last layer (sigmoid or softmax for classifiers).</summary>
    public Activation OutputActivation => Layers.LastOrDefault() switch
    {
        Dense d => d.Activation,
        Conv2D c => c.Activation,
        ActivationLayer a => a.Activation,
        _ => Activation.Linear,
    };

    public PlacedLayer Layer(string name) =>
        Placed.FirstOrDefault(p => p.Layer.Name == name)
        ?? throw new ModelException($"Model '{Name}' has no layer '{name}'. Its layers: {string.Join(", ", Layers.Select(l => l.Name))}.");

    /// <summary>Freezes the base (Keras conv_base.trainable = False).</summary>
    public Model FreezeBase()
    {
        if (BaseName is null)
            throw new ModelException($"Model '{Name}' has no base to freeze; --freeze-base needs a model built from a base and a head (for example vgg16-base --head dense256).");
        return WithFrozen(Layers.Take(BaseLayerCount).Select(l => l.Name));
    }

    /// <summary>Freezes every layer before <paramref name="layerName"/> (listing 5.22's set_trainable loop).</summary>
    public Model TrainableFrom(string layerName)
    {
        int index = Layers.ToList().FindIndex(l => l.Name == layerName);
        if (index < 0)
            throw new ModelException($"Model '{Name}' has no layer '{layerName}'. Its layers: {string.Join(", ", Layers.Select(l => l.Name))}.");
        return WithFrozen(Layers.Take(index).Select(l => l.Name));
    }

    public Model WithFrozen(IEnumerable<string> frozen) =>
        new(Name, InputShape, Layers, BaseName, BaseLayerCount, FunctionalInput, frozen.ToHashSet(), Preprocessing);

    public Model WithPreprocessing(Preprocessing preprocessing) =>
        new(Name, InputShape, Layers, BaseName, BaseLayerCount, FunctionalInput, Frozen, preprocessing);

    /// <summary>The base alone (for feature extraction), keeping its frozen flags.</summary>
    public Model BaseOnly() => BaseName is null
        ? throw new ModelException($"Model '{Name}' has no base.")
        : new(BaseName, InputShape, Layers.Take(BaseLayerCount).ToArray(), null, 0, FunctionalInput, Frozen, Preprocessing);
}
