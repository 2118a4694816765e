using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Layers;

/// <summary>A dropout mask fed per training step: zeros and 1/(1-rate) values of the given shape.</summary>
public sealed record DropoutMask(string Input, string Layer, float Rate, long[] Dims);

/// <summary>A non-trainable state tensor updated by a training step (batch-norm moving statistics).</summary>
public sealed record StateUpdate(string Param, string NewValue);

/// <summary>What layers need while emitting: the builder, the mode, and what the training form adds.</summary>
public sealed class EmitContext(GraphBuilder builder, bool training)
{
    public GraphBuilder B { get; } = builder;

    /// <summary>Training form: dropout multiplies by a fed mask, batch norm uses batch statistics.</summary>
    public bool Training { get; } = training;

    public List<DropoutMask> Masks { get; } = [];

    public List<StateUpdate> StateUpdates { get; } = [];

    /// <summary>Input of the most recent sigmoid or softmax: the logits a loss should start from.</summary>
    public string? LastLogits { get; set; }

    public Activation LastActivation { get; set; } = Activation.Linear;

    /// <summary>
    /// Emits <paramref name="core"/> (given its output name, or null for a generated one) followed by the
    /// activation; the last op writes <paramref name="output"/>.
    /// </summary>
    public string WithActivation(Func<string?, string> core, Activation activation, string output)
    {
        if (activation == Activation.Linear)
        {
            LastActivation = activation;
            LastLogits = null;
            return core(output);
        }
        return Activate(core(null), activation, output);
    }

    /// <summary>Emits a non-linear activation of <paramref name="x"/> into <paramref name="output"/>.</summary>
    public string Activate(string x, Activation activation, string output)
    {
        LastActivation = activation;
        switch (activation)
        {
            case Activation.Linear:
                LastLogits = null;
                return B.Op("Identity", [x], output);
            case Activation.Relu:
                LastLogits = null;
                return B.Op("Relu", [x], output);
            case Activation.Sigmoid:
                LastLogits = x;
                return B.Op("Sigmoid", [x], output);
            case Activation.Softmax:
                LastLogits = x;
                // Keras normalizes over the last (channel) axis; inside graphs channels are axis 1 of NCHW.
                return B.Op("Softmax", [x], output, GraphBuilder.A("axis", B.TypeOf(x).Rank == 4 ? 1L : -1L));
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }
}
