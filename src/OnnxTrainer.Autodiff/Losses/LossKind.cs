namespace OnnxTrainer.Autodiff.Losses;

/// <summary>The losses a model can be compiled with (Keras names in <see cref="Loss.Parse"/>).</summary>
public enum LossKind
{
    /// binary_crossentropy: -mean(y*log p + (1-y)*log(1-p)) for one sigmoid unit and float 0/1 targets [N,1].
    BinaryCrossentropy,
    /// categorical_crossentropy: -mean_n sum_k y_nk*log p_nk for softmax outputs and one-hot float targets [N,K].
    CategoricalCrossentropy,
    /// sparse_categorical_crossentropy: categorical crossentropy with int64 class-index targets [N].
    SparseCategoricalCrossentropy,
    /// mean_squared_error (mse): mean over all elements of (output - target)^2.
    MeanSquaredError,
}
