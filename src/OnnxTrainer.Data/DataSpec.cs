namespace OnnxTrainer.Data;

public enum DataSourceKind
{
    FashionMnist,
    Mnist,
}

/// <summary>Datasets loaded from a <see cref="DataSpec"/>. Validation is null when the source has no separate set.</summary>
public sealed record LoadedData(ImageDataset Train, ImageDataset? Validation, ImageDataset Test);

/// <summary>
/// The command line's <c>--data</c> value: <c>fashion-mnist</c> (the packaged files), <c>fashion-mnist:DIR</c> or
/// <c>mnist:DIR</c> (IDX files with the standard names in DIR).
/// </summary>
public sealed record DataSpec(DataSourceKind Kind, string Directory)
{
    /// <summary>The accepted forms, for help text and errors.</summary>
    public const string Forms = "fashion-mnist, fashion-mnist:DIR, mnist:DIR";

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
            default:
                throw new FormatException($"--data '{text}': unknown data source '{kind}'. Expected one of: {Forms}.");
        }
    }

    public IReadOnlyList<string> ClassNames => Kind switch
    {
        DataSourceKind.FashionMnist => FashionMnist.ClassNames,
        DataSourceKind.Mnist => Mnist.ClassNames,
        _ => throw new InvalidOperationException($"Unknown data source {Kind}."),
    };

    public LoadedData Load()
    {
        var (train, test) = Kind switch
        {
            DataSourceKind.FashionMnist => FashionMnist.Load(Directory),
            DataSourceKind.Mnist => Mnist.Load(Directory),
            _ => throw new InvalidOperationException($"Unknown data source {Kind}."),
        };
        return new LoadedData(train, null, test);
    }

    /// <summary>The spec in the form <see cref="Parse"/> accepts.</summary>
    public override string ToString() => Kind switch
    {
        DataSourceKind.FashionMnist => $"fashion-mnist:{Directory}",
        DataSourceKind.Mnist => $"mnist:{Directory}",
        _ => Kind.ToString(),
    };
}
