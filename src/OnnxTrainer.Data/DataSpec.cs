using OnnxTrainer.Data.Augmentation;
using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Data;

/// <summary>Where a <see cref="DataSpec"/> reads its images.</summary>
public enum DataSourceKind
{
    /// <summary>Fashion-MNIST IDX files (Debian's dataset-fashion-mnist, or a given folder).</summary>
    FashionMnist,
    /// <summary>MNIST-format IDX files in a given folder.</summary>
    Mnist,
    /// <summary>Image folders, one subfolder per class (Keras flow_from_directory).</summary>
    Folders,
}

/// <summary>Datasets loaded from a <see cref="DataSpec"/>. Validation is null when the source has no separate set.</summary>
public sealed record LoadedData(ImageDataset Train, ImageDataset? Validation, ImageDataset Test);

/// <summary>Training, validation and test data opened from a <see cref="DataSpec"/>; Validation and Test are null when absent.</summary>
public sealed record DataSources(IExampleSource Train, IExampleSource? Validation, IExampleSource? Test);

/// <summary>How <see cref="DataSpec.Open"/> prepares the data.</summary>
public sealed record SourceOptions
{
    /// <summary>The model's input (height, width, channels): image folders are resized and color-converted to it; null keeps folders' own default.</summary>
    public (int Height, int Width, int Channels)? Input { get; init; }

    /// <summary>How folder images are resized to the model's input (Keras's default: nearest).</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;

    /// <summary>
    /// Held out for validation: for IDX data the last fraction (Keras <c>validation_split</c> of <c>fit</c>); for a folder the
    /// first fraction of each class's sorted files (Keras <c>ImageDataGenerator(validation_split)</c>, <c>subset</c>).
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>Augments the training data (never validation or test) when set.</summary>
    public AugmentOptions? Augment { get; init; }

    /// <summary>Leave out folder images that cannot be decoded instead of failing.</summary>
    public bool SkipBadFiles { get; init; }

    /// <summary>Images declaring more pixels than this are refused (or skipped) before decoding (<see cref="Onnx.Files.PixelLimit"/>).</summary>
    public long MaxImagePixels { get; init; } = Onnx.Files.PixelLimit.Default;

    /// <summary>Threads that decode, resize and augment (0: one per core).</summary>
    public int Workers { get; init; }
}

/// <summary>
/// The command line's <c>--data</c> value: <c>fashion-mnist</c> (the packaged files), <c>fashion-mnist:DIR</c> or
/// <c>mnist:DIR</c> (IDX files with the standard names in DIR), or <c>folders:DIR</c>: image folders as Keras's
/// <c>flow_from_directory</c> reads them, either DIR/train with optional DIR/validation and DIR/test (the layout of listing
/// 5.4 and <c>onnx-trainer data make-folders</c>), or DIR itself holding one subfolder per class.
/// </summary>
public sealed record DataSpec(DataSourceKind Kind, string Directory)
{
    /// <summary>The accepted forms, for help text and errors.</summary>
    public const string Forms = "fashion-mnist, fashion-mnist:DIR, mnist:DIR, folders:DIR";

    /// <exception cref="FormatException">The text is not one of <see cref="Forms"/>.</exception>
    public static DataSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int colon = trimmed.IndexOf(':');
        string kind = colon < 0 ? trimmed : trimmed[..colon];
        string? path = colon < 0 ? null : trimmed[(colon + 1)..];
        if (path is { Length: 0 })
            throw new FormatException($"--data '{text}': the directory after ':' is empty. Expected one of: {Forms}.");
        switch (kind.ToLowerInvariant())
        {
            case "fashion-mnist":
                return new DataSpec(DataSourceKind.FashionMnist, path ?? FashionMnist.DefaultDirectory);
            case "mnist":
                if (path is null)
                    throw new FormatException(
                        $"--data '{text}': MNIST is not packaged here, so give its directory: mnist:DIR (IDX files train-images-idx3-ubyte[.gz] etc.). Expected one of: {Forms}.");
                return new DataSpec(DataSourceKind.Mnist, path);
            case "folders":
                if (path is null)
                    throw new FormatException($"--data '{text}': give the image folder: folders:DIR (DIR/train, DIR/validation, DIR/test, or one subfolder per class). Expected one of: {Forms}.");
                return new DataSpec(DataSourceKind.Folders, path);
            default:
                throw new FormatException($"--data '{text}': unknown data source '{kind}'. Expected one of: {Forms}.");
        }
    }

    /// <summary>The class names, in class-index order.</summary>
    public IReadOnlyList<string> ClassNames => Kind switch
    {
        DataSourceKind.FashionMnist => FashionMnist.ClassNames,
        DataSourceKind.Mnist => Mnist.ClassNames,
        DataSourceKind.Folders => FolderListing.Read(TrainDirectory).ClassNames,
        _ => throw new InvalidOperationException($"Unknown data source {Kind}."),
    };

    /// <summary>The IDX datasets in memory. Image folders are read with <see cref="Open"/> instead.</summary>
    public LoadedData Load()
    {
        var (train, test) = Kind switch
        {
            DataSourceKind.FashionMnist => FashionMnist.Load(Directory),
            DataSourceKind.Mnist => Mnist.Load(Directory),
            DataSourceKind.Folders => throw new ArgumentException($"--data {this}: image folders are read as they are used; this command needs IDX data (fashion-mnist or mnist:DIR)."),
            _ => throw new InvalidOperationException($"Unknown data source {Kind}."),
        };
        return new LoadedData(train, null, test);
    }

    /// <summary>
    /// Opens the data for training. IDX data: the training set (its last <see cref="SourceOptions.ValidationSplit"/>
    /// validating) and the test set. Folders: DIR/train, DIR/validation and DIR/test when DIR/train exists, else DIR as
    /// training data; a validation split holds out the first fraction of each training class. Each opened folder prints
    /// Keras's "Found N images belonging to K classes." to <paramref name="log"/>, and a warning for skipped files.
    /// </summary>
    public DataSources Open(SourceOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (options.ValidationSplit is < 0 or >= 1 || double.IsNaN(options.ValidationSplit))
            throw new ArgumentException($"--validation-split must be in [0, 1), got {options.ValidationSplit}.");
        IExampleSource train;
        IExampleSource? validation, test;
        if (Kind != DataSourceKind.Folders)
        {
            var loaded = Load();
            var (t, v) = options.ValidationSplit > 0 ? loaded.Train.Split(options.ValidationSplit) : (loaded.Train, loaded.Validation);
            (train, validation, test) = (new DatasetSource(t), v is null ? null : new DatasetSource(v), new DatasetSource(loaded.Test));
        }
        else
        {
            var folder = FolderOptionsFor(options);
            bool split = System.IO.Directory.Exists(System.IO.Path.Combine(Directory, "train"));
            string validationDir = System.IO.Path.Combine(Directory, "validation"), testDir = System.IO.Path.Combine(Directory, "test");
            if (options.ValidationSplit > 0)
            {
                if (split && System.IO.Directory.Exists(validationDir))
                    throw new ArgumentException($"--validation-split {options.ValidationSplit}: '{Directory}' already has a validation folder; use it (drop --validation-split) or remove it.");
                train = OpenFolder(TrainDirectory, folder with { ValidationSplit = options.ValidationSplit, Subset = Subset.Training }, log);
                validation = OpenFolder(TrainDirectory, folder with { ValidationSplit = options.ValidationSplit, Subset = Subset.Validation }, log);
            }
            else
            {
                train = OpenFolder(TrainDirectory, folder, log);
                validation = split && System.IO.Directory.Exists(validationDir) ? OpenFolder(validationDir, folder, log) : null;
            }
            test = split && System.IO.Directory.Exists(testDir) ? OpenFolder(testDir, folder, log) : null;
            foreach (var other in new[] { validation, test })
                if (other is not null && !other.ClassNames.SequenceEqual(train.ClassNames, StringComparer.Ordinal))
                    throw new InvalidDataException(
                        $"'{((FolderSource)other).Directory}' has classes {string.Join(", ", other.ClassNames)}, but the training folder '{TrainDirectory}' has {string.Join(", ", train.ClassNames)}; every split needs the same class subfolders.");
        }
        if (options.Augment is { } augment) train = new AugmentedSource(train, augment, options.Workers);
        return new DataSources(train, validation, test);
    }

    /// <summary>
    /// Only the test data, for evaluation: the IDX test set, or DIR/test of an image folder (resized and color-converted
    /// as <see cref="Open"/> does; its "Found" line goes to <paramref name="log"/>).
    /// </summary>
    public IExampleSource OpenTest(SourceOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Kind != DataSourceKind.Folders) return new DatasetSource(Load().Test);
        string testDir = System.IO.Path.Combine(Directory, "test");
        if (!System.IO.Directory.Exists(testDir))
            throw new DirectoryNotFoundException($"--data {this}: there is no test folder '{testDir}' to evaluate on; expected DIR/test with one subfolder per class.");
        return OpenFolder(testDir, FolderOptionsFor(options), log);
    }

    /// <summary>The folder holding the training classes: DIR/train when it exists, else DIR.</summary>
    public string TrainDirectory
    {
        get
        {
            string train = System.IO.Path.Combine(Directory, "train");
            return System.IO.Directory.Exists(train) ? train : Directory;
        }
    }

    private static FolderOptions FolderOptionsFor(SourceOptions options)
    {
        if (options.Input is { Channels: not (1 or 3) } bad)
            throw new ArgumentException($"Image folders give 1 (grayscale) or 3 (RGB) channels; the model takes {bad.Channels}.");
        return new FolderOptions
        {
            TargetSize = options.Input is { } input ? (input.Height, input.Width) : new FolderOptions().TargetSize,
            ColorMode = options.Input is { Channels: 1 } ? ColorMode.Grayscale : ColorMode.Rgb,
            Interpolation = options.Interpolation,
            SkipBadFiles = options.SkipBadFiles,
            MaxImagePixels = options.MaxImagePixels,
            Workers = options.Workers,
        };
    }

    private static FolderSource OpenFolder(string dir, FolderOptions options, TextWriter log)
    {
        var source = FolderSource.Open(dir, options);
        log.WriteLine(source.FoundMessage);
        if (source.SkippedWarning is { } warning) log.WriteLine(warning);
        return source;
    }

    /// <summary>The spec in the form <see cref="Parse"/> accepts.</summary>
    public override string ToString() => Kind switch
    {
        DataSourceKind.FashionMnist => $"fashion-mnist:{Directory}",
        DataSourceKind.Mnist => $"mnist:{Directory}",
        DataSourceKind.Folders => $"folders:{Directory}",
        _ => Kind.ToString(),
    };
}
