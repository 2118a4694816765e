namespace OnnxTrainer.Data.Folders;

/// <summary>Keras <c>class_mode</c>: how <see cref="FolderSource.FillTargets"/> writes labels.</summary>
public enum ClassMode
{
    /// <summary>One float per image, 0 or 1, for exactly two classes (class 1 is the later folder name).</summary>
    Binary,

    /// <summary>One-hot rows of K floats.</summary>
    Categorical,

    /// <summary>The class index as a float.</summary>
    Sparse,
}

/// <summary>Keras <c>color_mode</c>.</summary>
public enum ColorMode
{
    /// <summary>3 channels; grey images are repeated, alpha is dropped (PIL <c>convert('RGB')</c>).</summary>
    Rgb,

    /// <summary>1 channel, L = (19595 R + 38470 G + 7471 B + 2^15) / 2^16 (PIL <c>convert('L')</c>, ITU-R 601).</summary>
    Grayscale,
}

/// <summary>The <c>interpolation</c> used to reach <c>target_size</c>.</summary>
public enum Interpolation
{
    /// <summary>Keras's default: output pixel x reads input pixel floor((x + 0.5) * in / out) (PIL NEAREST).</summary>
    Nearest,

    /// <summary>PIL BILINEAR: a triangle filter, widened by in/out when shrinking so every input pixel counts.</summary>
    Bilinear,
}

/// <summary>Keras <c>subset</c> of a folder read with <see cref="FolderOptions.ValidationSplit"/>.</summary>
public enum Subset
{
    /// <summary>Every file (validation split ignored).</summary>
    All,

    /// <summary>All but the first ValidationSplit of each class's sorted files.</summary>
    Training,

    /// <summary>The first ValidationSplit of each class's sorted files (Keras: int(split * n) of them).</summary>
    Validation,
}

/// <summary>
/// <c>ImageDataGenerator.flow_from_directory</c>'s arguments that concern reading the files. Keras's <c>rescale</c> has
/// no counterpart here: sources deliver raw 0..255 pixels and every model applies its own preprocessing as its first graph
/// op (rescale 1/255 by default), so rescaling is the model's option, not the folder's.
/// </summary>
public sealed record FolderOptions
{
    /// <summary>Keras <c>target_size</c>, (height, width); every image is resized to it.</summary>
    public (int Height, int Width) TargetSize { get; init; } = (256, 256);

    /// <summary>Keras <c>color_mode</c>: RGB (3 channels) or grayscale (1).</summary>
    public ColorMode ColorMode { get; init; } = ColorMode.Rgb;
    /// <summary>Keras <c>class_mode</c>: the form of the labels.</summary>
    public ClassMode ClassMode { get; init; } = ClassMode.Categorical;
    /// <summary>How images are resized to <see cref="TargetSize"/> (Keras's default: nearest).</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;

    /// <summary>Fraction of each class (the first files in sorted order) held out for <see cref="Subset.Validation"/>.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Which files of each class: all, the training part or the validation part (<see cref="ValidationSplit"/>).</summary>
    public Subset Subset { get; init; } = Subset.All;

    /// <summary>Skip files that cannot be decoded (counted in <see cref="FolderSource.Skipped"/>) instead of failing.</summary>
    public bool SkipBadFiles { get; init; }

    /// <summary>
    /// Decode every file when the folder is opened, so a bad file is reported before training starts. Always done when
    /// <see cref="SkipBadFiles"/> is set (a file can only be skipped before its index is handed out).
    /// </summary>
    public bool VerifyOnOpen { get; init; } = true;

    /// <summary>Keep the decoded, resized pixels in memory when all of them fit in this many bytes (0: never cache).</summary>
    public long CacheLimitBytes { get; init; } = 1L << 30;

    /// <summary>Threads that decode and resize (0: one per core).</summary>
    public int Workers { get; init; }

    /// <summary>An image declaring more pixels than this is refused (or skipped) before its pixels are allocated (<see cref="Onnx.Files.PixelLimit"/>).</summary>
    public long MaxImagePixels { get; init; } = Onnx.Files.PixelLimit.Default;

    /// <summary>Channels per pixel of <see cref="ColorMode"/>.</summary>
    public int Channels => ColorMode == ColorMode.Rgb ? 3 : 1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (TargetSize.Height < 1 || TargetSize.Width < 1)
            throw new ArgumentException($"The target size must be positive, got {TargetSize.Height}x{TargetSize.Width}.");
        if (ValidationSplit is < 0 or >= 1 || double.IsNaN(ValidationSplit))
            throw new ArgumentException($"The validation split must be in [0, 1), got {ValidationSplit}.");
        if (Subset != Subset.All && ValidationSplit == 0)
            throw new ArgumentException($"Subset {Subset} needs a validation split above 0.");
        if (CacheLimitBytes < 0) throw new ArgumentException($"The cache limit must not be negative, got {CacheLimitBytes}.");
        if (MaxImagePixels < 1) throw new ArgumentException($"The pixel limit must be at least 1, got {MaxImagePixels}.");
        if (Workers < 0) throw new ArgumentException($"Workers must be 0 (one per core) or more, got {Workers}.");
    }
}
