namespace OnnxTrainer.Data;

/// <summary>MNIST digits from IDX files in any directory (the standard file names, with or without .gz).</summary>
public static class Mnist
{
    /// <summary>MNIST's classes: the digits 0 to 9.</summary>
    public static readonly IReadOnlyList<string> ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>The four standard file names (each also looked for with a .gz suffix).</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The training and test splits of the MNIST-format IDX files in <paramref name="directory"/> (gzipped or not).</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string directory) =>
        LoadStandardFiles(directory, ClassNames, "MNIST", "pass `--data mnist:DIR` with a directory holding those files");

    /// <summary>Loads the train and t10k pairs of a directory laid out like MNIST.</summary>
    internal static (ImageDataset Train, ImageDataset Test) LoadStandardFiles(
        string directory, IReadOnlyList<string> classNames, string datasetName, string remedy)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string lookedFor = string.Join(", ", FileNames.Select(f => f + "[.gz]"));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"{datasetName} not found: directory '{directory}' does not exist. Looked for {lookedFor} in it. To fix: {remedy}.");
        var paths = FileNames.Select(name =>
        {
            string plain = Path.Combine(directory, name);
            if (File.Exists(plain)) return plain;
            if (File.Exists(plain + ".gz")) return plain + ".gz";
            throw new FileNotFoundException(
                $"{datasetName}: neither '{plain}' nor '{plain}.gz' exists. Looked for {lookedFor} in '{directory}'. To fix: {remedy}.", plain);
        }).ToArray();
        var train = Idx.ReadDataset(paths[0], paths[1], classNames);
        var test = Idx.ReadDataset(paths[2], paths[3], classNames);
        return (train, test);
    }
}
