namespace OnnxTrainer.Models.Networks;

/// <summary>What a training step does with a parameter (an initializer that holds weights).</summary>
public enum ParameterRole
{
    /// <summary>Gets a gradient and an optimizer update.</summary>
    Trainable,

    /// <summary>Stays a constant of the step graph (Keras trainable = False).</summary>
    Frozen,

    /// <summary>Not trained by gradients but possibly updated by the step: batch-norm moving statistics.</summary>
    State,
}

/// <summary>What a network's output is: class probabilities of a softmax or of a sigmoid unit, or something else.</summary>
public enum OutputKind { Linear, Softmax, Sigmoid }

/// <summary>
/// How trainable BatchNormalization layers run in a training step (Keras' transfer-learning guide): frozen keeps
/// inference mode (moving statistics, no update); train uses batch statistics and updates the moving ones.
/// Frozen BatchNormalization layers always run in inference mode.
/// </summary>
public enum BatchNormMode { Frozen, Train }
