namespace OnnxTrainer.Data;

/// <summary>How class labels are fed to a loss (the Keras names in brackets).</summary>
public enum TargetEncoding
{
    /// <summary>int64 class indices, shape [N] (sparse_categorical_crossentropy).</summary>
    Sparse,

    /// <summary>float one-hot rows, shape [N, K] (categorical_crossentropy, class_mode="categorical").</summary>
    OneHot,

    /// <summary>float 0 or 1, shape [N, 1], for exactly two classes; class 1 is the positive one (binary_crossentropy, class_mode="binary").</summary>
    Binary,
}
