using OnnxTrainer.Data.Pipeline;

namespace OnnxTrainer.Data.Folders;

/// <summary>
/// Keras <c>flow_from_directory</c> as an <see cref="IExampleSource"/>: the images of a class-per-subfolder folder,
/// decoded, color-converted and resized to <see cref="FolderOptions.TargetSize"/> on all cores, delivered as raw
/// 0..255 pixels. Never augments (wrap it in <see cref="Augmentation.AugmentedSource"/>). Thread-safe.
/// </summary>
public sealed class FolderSource : IExampleSource
{
    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly string[] _classNames;
    private readonly byte[]?[]? _cache;
    private readonly int _height, _width, _channels;

    private FolderSource(string directory, FolderOptions options, string[] files, int[] labels, string[] classNames,
        IReadOnlyList<ImageFileException> skipped, byte[]?[]? cache)
    {
        Directory = directory;
        Options = options;
        _files = files;
        _labels = labels;
        _classNames = classNames;
        Skipped = skipped;
        _cache = cache;
        (_height, _width) = options.TargetSize;
        _channels = options.Channels;
    }

    /// <summary>
    /// Lists the folder (<see cref="FolderListing"/>) and, with <see cref="FolderOptions.VerifyOnOpen"/> or
    /// <see cref="FolderOptions.SkipBadFiles"/>, decodes every file once so that a bad file fails here, naming it, or is skipped.
    /// </summary>
    /// <exception cref="ImageFileException">A file cannot be decoded (and bad files are not skipped).</exception>
    /// <exception cref="InvalidDataException">The folder holds no images.</exception>
    public static FolderSource Open(string directory, FolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var listing = FolderListing.Read(directory, options.ValidationSplit, options.Subset);
        var files = listing.Files.ToArray();
        var labels = listing.Labels.ToArray();
        var (h, w) = options.TargetSize;
        long imageBytes = (long)h * w * options.Channels;
        bool cache = files.Length > 0 && options.CacheLimitBytes >= imageBytes * files.Length;
        var pixels = new byte[]?[files.Length];
        var skipped = new List<ImageFileException>();
        if (options.VerifyOnOpen || options.SkipBadFiles)
        {
            var errors = new ImageFileException?[files.Length];
            Workers.For(files.Length, options.Workers, i =>
            {
                try
                {
                    var p = ImageDecoder.Load(files[i], options.ColorMode, h, w, options.Interpolation);
                    if (cache) pixels[i] = p;
                }
                catch (ImageFileException e)
                {
                    errors[i] = e;
                }
            });
            var bad = errors.Where(e => e is not null).Select(e => e!).ToList();
            if (bad.Count > 0 && !options.SkipBadFiles)
                throw new ImageFileException(bad[0].Path,
                    $"{bad[0].Reason} ({bad.Count} unreadable file{(bad.Count == 1 ? "" : "s")} under '{directory}'; remove or replace {(bad.Count == 1 ? "it" : "them")}, or skip unreadable files with --skip-bad-images)");
            if (bad.Count > 0)
            {
                skipped.AddRange(bad);
                var keep = Enumerable.Range(0, files.Length).Where(i => errors[i] is null).ToArray();
                files = keep.Select(i => files[i]).ToArray();
                labels = keep.Select(i => labels[i]).ToArray();
                pixels = keep.Select(i => pixels[i]).ToArray();
            }
        }
        if (files.Length == 0)
            throw new InvalidDataException(
                $"Found 0 images in '{directory}' (classes {string.Join(", ", listing.ClassNames)}); expected {string.Join(", ", ImageDecoder.Extensions)} files inside the class subfolders.");
        if (options.ClassMode == ClassMode.Binary && listing.ClassNames.Count != 2)
            throw new InvalidDataException(
                $"class_mode binary needs exactly 2 classes, but '{directory}' has {listing.ClassNames.Count}: {string.Join(", ", listing.ClassNames)}; use categorical or sparse.");
        return new FolderSource(directory, options, files, labels, listing.ClassNames.ToArray(), skipped, cache ? pixels : null);
    }

    public string Directory { get; }
    public FolderOptions Options { get; }

    public int Count => _files.Length;

    public long[] ExampleShape => [_channels, _height, _width];

    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Keras <c>class_indices</c>: class name to index.</summary>
    public IReadOnlyDictionary<string, int> ClassIndices => _classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);

    /// <summary>Keras <c>filepaths</c>: the file of each example, in index order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Files left out because they could not be decoded (only with <see cref="FolderOptions.SkipBadFiles"/>).</summary>
    public IReadOnlyList<ImageFileException> Skipped { get; }

    /// <summary>Whether decoded pixels are kept in memory (all of them fit in <see cref="FolderOptions.CacheLimitBytes"/>).</summary>
    public bool Cached => _cache is not null;

    /// <summary>Keras's line, "Found 2000 images belonging to 2 classes."</summary>
    public string FoundMessage => $"Found {Count} images belonging to {_classNames.Length} classes.";

    /// <summary>A warning about skipped files, or null when none were skipped.</summary>
    public string? SkippedWarning => Skipped.Count == 0 ? null
        : $"warning: skipped {Skipped.Count} unreadable file{(Skipped.Count == 1 ? "" : "s")} under '{Directory}' (first: {Skipped[0].Message})";

    public int Label(int index) => _labels[index];

    /// <summary>One example's pixels, HWC bytes at the target size (from the cache, or decoded now).</summary>
    /// <exception cref="ImageFileException">The file can no longer be decoded.</exception>
    public byte[] Pixels(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        if (_cache is not null && Volatile.Read(ref _cache[index]) is { } cached) return cached;
        var pixels = ImageDecoder.Load(_files[index], Options.ColorMode, _height, _width, Options.Interpolation);
        if (_cache is not null) Volatile.Write(ref _cache[index], pixels);
        return pixels;
    }

    /// <summary>Decodes the images in parallel (<see cref="FolderOptions.Workers"/>) into NCHW raw pixels; the seed is ignored.</summary>
    public unsafe void FillImages(ReadOnlySpan<int> indices, Span<float> destination, long? augmentSeed)
    {
        int per = _channels * _height * _width;
        if (destination.Length != indices.Length * per)
            throw new ArgumentException($"{indices.Length} images of {per} values need {indices.Length * per} floats, got {destination.Length}.", nameof(destination));
        foreach (int i in indices)
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Index outside the folder's {Count} images.");
        var ids = indices.ToArray();
        fixed (float* start = destination)
        {
            nint dst = (nint)start;
            Workers.For(ids.Length, Options.Workers, k => ToChw(Pixels(ids[k]), new Span<float>((float*)dst + (long)k * per, per)));
        }
    }

    /// <summary>Writes the labels of <paramref name="indices"/> as <see cref="FolderOptions.ClassMode"/> says (one-hot rows of K for categorical).</summary>
    public void FillTargets(ReadOnlySpan<int> indices, Span<float> destination)
    {
        int width = Options.ClassMode == ClassMode.Categorical ? _classNames.Length : 1;
        if (destination.Length != indices.Length * width)
            throw new ArgumentException($"{indices.Length} targets of {width} values need {indices.Length * width} floats, got {destination.Length}.", nameof(destination));
        for (int k = 0; k < indices.Length; k++)
        {
            int label = _labels[indices[k]];
            var row = destination.Slice(k * width, width);
            switch (Options.ClassMode)
            {
                case ClassMode.Categorical: TargetEncoder.Encode(label, TargetEncoding.OneHot, _classNames.Length, row); break;
                case ClassMode.Binary: TargetEncoder.Encode(label, TargetEncoding.Binary, _classNames.Length, row); break;
                default: row[0] = label; break; // sparse: the class index itself
            }
        }
    }

    private void ToChw(byte[] hwc, Span<float> chw)
    {
        int plane = _height * _width;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < _channels; c++)
                chw[c * plane + p] = hwc[p * _channels + c];
    }
}
