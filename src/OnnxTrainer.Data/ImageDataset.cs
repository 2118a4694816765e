using System.Numerics;

namespace OnnxTrainer.Data;

/// <summary>
/// Labelled images held in memory as uint8, each example stored CHW (channels, height, width) so a batch fills
/// NCHW directly. Immutable: <see cref="Subset"/>, <see cref="Split"/> and <see cref="SelectClasses(IReadOnlyList{int})"/>
/// return new datasets. The Fill methods allocate nothing and may be called from several threads at once.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>The Keras <c>rescale=1./255</c> factor that the Fill methods apply by default.</summary>
    public const float DefaultScale = 1f / 255f;

    private readonly byte[] _pixels;
    private readonly int[] _labels;
    private readonly string[] _classNames;

    /// <summary>Takes ownership of the arrays (they are not copied; do not change them afterwards).</summary>
    /// <param name="pixels">Count x channels x height x width bytes, each example CHW.</param>
    /// <param name="labels">One class index per example, each in [0, classNames.Count).</param>
    public ImageDataset(byte[] pixels, int channels, int height, int width, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (classNames.Count == 0)
            throw new ArgumentException("A dataset needs at least one class name.", nameof(classNames));
        long exampleSize = (long)channels * height * width;
        if (exampleSize * labels.Length != pixels.Length)
            throw new ArgumentException(
                $"{labels.Length} examples of [{channels},{height},{width}] need {exampleSize * labels.Length} pixel bytes, got {pixels.Length}.", nameof(pixels));
        if (classNames.Distinct(StringComparer.Ordinal).Count() != classNames.Count)
            throw new ArgumentException($"Class names must be distinct: {string.Join(", ", classNames)}.", nameof(classNames));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of example {i} is outside 0..{classNames.Count - 1} ({classNames.Count} classes).", nameof(labels));
        _pixels = pixels;
        _labels = labels;
        _classNames = classNames.ToArray();
        Channels = channels;
        Height = height;
        Width = width;
        ExampleSize = (int)exampleSize;
    }

    public int Count => _labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>One example's shape, [C, H, W] (a fresh array).</summary>
    public long[] Shape => [Channels, Height, Width];

    /// <summary>Values per example, C * H * W.</summary>
    public int ExampleSize { get; }

    public IReadOnlyList<string> ClassNames => _classNames;
    public int ClassCount => _classNames.Length;

    /// <summary>All pixels, example after example, each CHW.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>One example's pixels, CHW.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        CheckIndex(index);
        return _pixels.AsSpan(index * ExampleSize, ExampleSize);
    }

    /// <summary>How many examples each class has, indexed by class.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int label in _labels) counts[label]++;
        return counts;
    }

    /// <summary>
    /// The index of a class by its name, or by its folder-safe form (<see cref="ClassNaming.FolderSafe"/>, so
    /// "ankle_boot" finds "Ankle boot").
    /// </summary>
    public int ClassIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int exact = Array.IndexOf(_classNames, name);
        if (exact >= 0) return exact;
        for (int k = 0; k < _classNames.Length; k++)
            if (FolderSafeOrNull(_classNames[k]) == name) return k;
        throw new ArgumentException($"No class named '{name}'. Classes: {string.Join(", ", _classNames.Select(n => $"'{n}'"))}.", nameof(name));
    }

    private static string? FolderSafeOrNull(string name)
    {
        try { return ClassNaming.FolderSafe(name); }
        catch (ArgumentException) { return null; }
    }

    // ---------------------------------------------------------------- batches

    /// <summary>The shape of a batch of targets: [N] for sparse, [N, K] for one-hot, [N, 1] for binary.</summary>
    public long[] TargetShape(TargetEncoding encoding, int batchSize) => encoding switch
    {
        TargetEncoding.Sparse => [batchSize],
        TargetEncoding.OneHot => [batchSize, ClassCount],
        TargetEncoding.Binary => [batchSize, 1],
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };

    /// <summary>
    /// Writes the images at <paramref name="indices"/> as NCHW floats, each pixel times <paramref name="scale"/>
    /// (Keras rescale; default 1/255). <paramref name="images"/> must hold exactly indices.Length * ExampleSize values.
    /// </summary>
    public void FillImages(ReadOnlySpan<int> indices, Span<float> images, float scale = DefaultScale)
    {
        int size = ExampleSize;
        if (images.Length != (long)indices.Length * size)
            throw new ArgumentException(
                $"The image buffer holds {images.Length} floats; {indices.Length} examples of [{Channels},{Height},{Width}] need {(long)indices.Length * size}.", nameof(images));
        for (int n = 0; n < indices.Length; n++)
        {
            int index = indices[n];
            CheckIndex(index);
            Rescale(_pixels.AsSpan(index * size, size), images.Slice(n * size, size), scale);
        }
    }

    /// <summary>Writes sparse int64 labels, one per index.</summary>
    public void FillLabels(ReadOnlySpan<int> indices, Span<long> labels)
    {
        if (labels.Length != indices.Length)
            throw new ArgumentException($"The label buffer holds {labels.Length} values; {indices.Length} examples need {indices.Length}.", nameof(labels));
        for (int n = 0; n < indices.Length; n++)
        {
            CheckIndex(indices[n]);
            labels[n] = _labels[indices[n]];
        }
    }

    /// <summary>
    /// Writes float targets: <see cref="TargetEncoding.OneHot"/> rows [N, K] or <see cref="TargetEncoding.Binary"/>
    /// values [N, 1] (two classes only). For int64 labels use <see cref="FillLabels"/>.
    /// </summary>
    public void FillTargets(ReadOnlySpan<int> indices, Span<float> targets, TargetEncoding encoding)
    {
        if (encoding == TargetEncoding.Sparse)
            throw new ArgumentException("Sparse targets are int64: use FillLabels(indices, Span<long>).", nameof(encoding));
        if (encoding == TargetEncoding.Binary && ClassCount != 2)
            throw new InvalidOperationException(
                $"Binary targets need exactly two classes; this dataset has {ClassCount} ({string.Join(", ", _classNames)}). Use OneHot or Sparse, or SelectClasses first.");
        int width = TargetEncoder.Width(encoding, ClassCount);
        if (targets.Length != (long)indices.Length * width)
            throw new ArgumentException(encoding == TargetEncoding.OneHot
                ? $"The one-hot buffer holds {targets.Length} floats; {indices.Length} examples of {width} classes need {(long)indices.Length * width}."
                : $"The binary target buffer holds {targets.Length} floats; {indices.Length} examples need {indices.Length}.", nameof(targets));
        for (int n = 0; n < indices.Length; n++)
        {
            CheckIndex(indices[n]);
            TargetEncoder.Encode(_labels[indices[n]], encoding, ClassCount, targets.Slice(n * width, width));
        }
    }

    /// <summary>Images (NCHW, rescaled) and sparse int64 labels for one batch.</summary>
    public void FillBatch(ReadOnlySpan<int> indices, Span<float> images, Span<long> labels, float scale = DefaultScale)
    {
        FillImages(indices, images, scale);
        FillLabels(indices, labels);
    }

    /// <summary>Images (NCHW, rescaled) and one-hot or binary float targets for one batch.</summary>
    public void FillBatch(ReadOnlySpan<int> indices, Span<float> images, Span<float> targets, TargetEncoding encoding, float scale = DefaultScale)
    {
        FillImages(indices, images, scale);
        FillTargets(indices, targets, encoding);
    }

    // dst[i] = src[i] * scale, widening bytes to floats a vector at a time.
    private static void Rescale(ReadOnlySpan<byte> src, Span<float> dst, float scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= Vector<byte>.Count)
        {
            var factor = new Vector<float>(scale);
            int step = Vector<byte>.Count, quarter = Vector<float>.Count;
            for (; i <= src.Length - step; i += step)
            {
                Vector.Widen(new Vector<byte>(src.Slice(i)), out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(high, out Vector<uint> c, out Vector<uint> d);
                (Vector.ConvertToSingle(a) * factor).CopyTo(dst.Slice(i));
                (Vector.ConvertToSingle(b) * factor).CopyTo(dst.Slice(i + quarter));
                (Vector.ConvertToSingle(c) * factor).CopyTo(dst.Slice(i + 2 * quarter));
                (Vector.ConvertToSingle(d) * factor).CopyTo(dst.Slice(i + 3 * quarter));
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i] * scale;
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)_labels.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Example index must be in 0..{_labels.Length - 1}.");
    }

    // ---------------------------------------------------------------- new datasets

    /// <summary>The examples at <paramref name="indices"/>, in that order (repeats allowed), with the same classes.</summary>
    public ImageDataset Subset(ReadOnlySpan<int> indices)
    {
        int size = ExampleSize;
        var pixels = new byte[(long)indices.Length * size];
        var labels = new int[indices.Length];
        for (int n = 0; n < indices.Length; n++)
        {
            int index = indices[n];
            CheckIndex(index);
            _pixels.AsSpan(index * size, size).CopyTo(pixels.AsSpan(n * size, size));
            labels[n] = _labels[index];
        }
        return new ImageDataset(pixels, Channels, Height, Width, labels, _classNames);
    }

    /// <summary>The <paramref name="count"/> examples starting at <paramref name="start"/>.</summary>
    public ImageDataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Slice [{start}, {start + (long)count}) is outside the {Count} examples.");
        int size = ExampleSize;
        return new ImageDataset(
            _pixels.AsSpan(start * size, count * size).ToArray(), Channels, Height, Width,
            _labels.AsSpan(start, count).ToArray(), _classNames);
    }

    /// <summary>
    /// Keras <c>validation_split</c>: the LAST <paramref name="validationFraction"/> of the examples, in their
    /// current order and before any shuffling, become validation; split point = (int)(Count * (1 - fraction)).
    /// </summary>
    public (ImageDataset Train, ImageDataset Validation) Split(double validationFraction)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be between 0 and 1 (exclusive).");
        int splitAt = (int)(Count * (1.0 - validationFraction));
        return (Slice(0, splitAt), Slice(splitAt, Count - splitAt));
    }

    /// <summary>
    /// For each class, its examples ranked [skip, skip + take) in dataset order; the result keeps dataset order.
    /// E.g. PerClass(0, 1000), PerClass(1000, 500), PerClass(1500, 500) give disjoint train/validation/test sets.
    /// </summary>
    public ImageDataset PerClass(int skip, int take)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        var counts = CountPerClass();
        for (int k = 0; k < ClassCount; k++)
            if (counts[k] < skip + take)
                throw new ArgumentException(
                    $"Class '{_classNames[k]}' has {counts[k]} examples; skipping {skip} and taking {take} needs {skip + take}.", nameof(take));
        var seen = new int[ClassCount];
        var chosen = new List<int>(take * ClassCount);
        for (int i = 0; i < _labels.Length; i++)
        {
            int rank = seen[_labels[i]]++;
            if (rank >= skip && rank < skip + take) chosen.Add(i);
        }
        return Subset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chosen));
    }

    /// <summary>
    /// Only the examples of the given classes, relabelled 0..k-1 in the order given (so <c>SelectClasses("cat", "dog")</c>
    /// makes cat 0 and dog 1). Names may be given as the class names or their folder-safe forms.
    /// </summary>
    public ImageDataset SelectClasses(params IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        return SelectClasses(classNames.Select(ClassIndex).ToArray());
    }

    /// <summary>Only the examples of the given classes, relabelled 0..k-1 in the order given.</summary>
    public ImageDataset SelectClasses(params IReadOnlyList<int> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count == 0)
            throw new ArgumentException("Select at least one class.", nameof(classes));
        var newLabel = new int[ClassCount];
        Array.Fill(newLabel, -1);
        for (int j = 0; j < classes.Count; j++)
        {
            int k = classes[j];
            if ((uint)k >= (uint)ClassCount)
                throw new ArgumentOutOfRangeException(nameof(classes), k, $"Class index must be in 0..{ClassCount - 1}.");
            if (newLabel[k] >= 0)
                throw new ArgumentException($"Class '{_classNames[k]}' is selected twice.", nameof(classes));
            newLabel[k] = j;
        }
        var keep = new List<int>();
        for (int i = 0; i < _labels.Length; i++)
            if (newLabel[_labels[i]] >= 0) keep.Add(i);
        var subset = Subset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keep));
        var labels = subset._labels;
        for (int i = 0; i < labels.Length; i++) labels[i] = newLabel[labels[i]];
        return new ImageDataset(subset._pixels, Channels, Height, Width, labels, classes.Select(k => _classNames[k]).ToArray());
    }

    /// <summary>All classes except the given ones, relabelled 0..k-1 keeping their relative order.</summary>
    public ImageDataset ExcludeClasses(params IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        var excluded = classNames.Select(ClassIndex).ToHashSet();
        return SelectClasses(Enumerable.Range(0, ClassCount).Where(k => !excluded.Contains(k)).ToArray());
    }

    /// <summary>The same examples and labels under other class names (e.g. "0".."9" for MNIST).</summary>
    public ImageDataset WithClassNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != ClassCount)
            throw new ArgumentException($"Expected {ClassCount} class names, got {classNames.Count}.", nameof(classNames));
        return new ImageDataset(_pixels, Channels, Height, Width, _labels, classNames);
    }

    public override string ToString() => $"{Count} images of [{Channels},{Height},{Width}], {ClassCount} classes";
}
