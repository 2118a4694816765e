namespace OnnxTrainer.Autodiff.Losses;

/// <summary>The losses a model can be compiled with (Keras names in <see cref="Loss.Parse"/>).</summary>
public enum LossKind
{
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
}
