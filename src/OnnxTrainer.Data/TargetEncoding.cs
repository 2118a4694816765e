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

/// <summary>The one encoding of class labels into targets, used by datasets, folder sources and the trainer.</summary>
public static class TargetEncoder
{
    /// <summary>Floats per example: K for one-hot, 1 for binary (sparse targets are int64 labels, one per example).</summary>
    public static int Width(TargetEncoding encoding, int classes) => encoding == TargetEncoding.OneHot ? classes : 1;

    /// <summary>
    /// Writes class <paramref name="label"/> of <paramref name="classes"/> as <paramref name="encoding"/> into
    /// <paramref name="row"/> (one-hot: K floats; binary: one float 0 or 1). An out-of-range label is an error that says
    /// which labels the encoding takes.
    /// </summary>
    public static void Encode(int label, TargetEncoding encoding, int classes, Span<float> row)
    {
        CheckLabel(label, encoding, classes);
        switch (encoding)
        {
            case TargetEncoding.Binary:
                row[0] = label;
                break;
            case TargetEncoding.OneHot:
                row[..classes].Clear();
                row[label] = 1f;
                break;
            default:
                throw new ArgumentException("Sparse targets are int64 labels, not floats.", nameof(encoding));
        }
    }

    /// <summary>Throws unless <paramref name="label"/> is one of <paramref name="classes"/> classes (0 or 1 for binary targets).</summary>
    public static void CheckLabel(int label, TargetEncoding encoding, int classes)
    {
        if (encoding == TargetEncoding.Binary && classes != 2)
            throw new InvalidOperationException($"Binary targets need exactly two classes; got {classes}. Use one-hot or sparse targets.");
        if ((uint)label >= (uint)classes)
            throw new ArgumentException(encoding == TargetEncoding.Binary
                ? $"Label {label} is out of range: a binary (sigmoid) output takes labels 0 and 1."
                : $"Label {label} is out of range: {classes} classes take labels 0 to {classes - 1}.");
    }
}
