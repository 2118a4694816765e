using OnnxTrainer.Data.Pipeline;

namespace OnnxTrainer.Data.Folders;

/// <summary>What <see cref="MakeFolders.Write"/> builds: the classes, the image size and format, and images per class per split.</summary>
public sealed record MakeFoldersOptions
{
    /// <summary>Class names as the source names them or as folder names ("Sneaker", "sneaker", "ankle_boot"), or label numbers.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Side of the square output images.</summary>
    public int Size { get; init; } = 150;

    /// <summary>The image file format written.</summary>
    public ImageFormat Format { get; init; } = ImageFormat.Png;

    /// <summary>Images per class: training and validation come from the source's training split, test from its test split (listing 5.4: 1000, 500, 500).</summary>
    public (int Train, int Validation, int Test) PerClass { get; init; } = (1000, 500, 500);

    /// <summary>Threads that resize and encode (0: one per core).</summary>
    public int Workers { get; init; }
}

/// <summary>
/// Builds a Dogs-vs-Cats-shaped image folder (listing 5.4) from an IDX dataset such as Fashion-MNIST: DIR/train,
/// DIR/validation and DIR/test, one subfolder per class named <see cref="ClassNaming.FolderSafe"/>, each image upscaled
/// (bilinear) to Size x Size and written as 3-channel RGB. Deterministic: class c's images are the first
/// Train + Validation of that class in the training split (in file order; the first Train train, the next Validation
/// validate) and the first Test of it in the test split. Files are named as listing 5.4 names them, CLASS.K.png with K
/// running 0..Train-1 in train, on in validation, then on in test.
/// </summary>
public static class MakeFolders
{
    /// <summary>The split folders written, in order.</summary>
    public static readonly IReadOnlyList<string> Splits = ["train", "validation", "test"];

    /// <returns>The folder name of each chosen class, in the order given.</returns>
    public static IReadOnlyList<string> Write(ImageDataset train, ImageDataset test, MakeFoldersOptions options, string outDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (nTrain, nValidation, nTest) = options.PerClass;
        if (nTrain < 1 || nValidation < 0 || nTest < 0)
            throw new ArgumentException($"Images per class must be at least 1 for train and 0 for validation and test, got {nTrain}, {nValidation}, {nTest}.");
        if (options.Size < 1) throw new ArgumentException($"--size must be positive, got {options.Size}.");
        var labels = options.Classes.Select(c => ClassIndex(train.ClassNames, c)).ToArray();
        if (labels.Length < 2) throw new ArgumentException($"--classes needs at least two classes, got {labels.Length}.");
        if (labels.Distinct().Count() != labels.Length)
            throw new ArgumentException($"--classes names a class twice: {string.Join(",", options.Classes)}.");
        var folders = labels.Select(l => ClassNaming.FolderSafe(train.ClassNames[l])).ToArray();
        foreach (var split in Splits)
            if (Directory.Exists(Path.Combine(outDir, split)) && Directory.EnumerateFileSystemEntries(Path.Combine(outDir, split)).Any())
                throw new ArgumentException($"'{Path.Combine(outDir, split)}' exists and is not empty; choose another --out or remove it.");

        var jobs = new List<(ImageDataset From, int Index, string Path)>();
        for (int c = 0; c < labels.Length; c++)
        {
            var fromTrain = IndicesOf(train, labels[c], nTrain + nValidation, "training");
            var fromTest = IndicesOf(test, labels[c], nTest, "test");
            int k = 0;
            foreach (var (split, from, indices) in new[] { ("train", train, fromTrain[..nTrain]), ("validation", train, fromTrain[nTrain..]), ("test", test, fromTest) })
            {
                string dir = Path.Combine(outDir, split, folders[c]);
                Directory.CreateDirectory(dir);
                foreach (int i in indices) jobs.Add((from, i, Path.Combine(dir, $"{folders[c]}.{k++}{ImageEncoder.Extension(options.Format)}")));
            }
        }
        int size = options.Size;
        Workers.For(jobs.Count, options.Workers, j =>
        {
            var (from, index, path) = jobs[j];
            var chw = from.Image(index);
            var hwc = new byte[from.Height * from.Width * 3];
            int plane = from.Height * from.Width;
            for (int p = 0; p < plane; p++)
                for (int ch = 0; ch < 3; ch++)
                    hwc[p * 3 + ch] = chw[(from.Channels == 1 ? 0 : ch) * plane + p];
            var resized = ImageResize.Resize(hwc, from.Height, from.Width, 3, size, size, Interpolation.Bilinear);
            ImageEncoder.Save(path, resized, size, size, 3, options.Format);
        });
        return folders;
    }

    private static int ClassIndex(IReadOnlyList<string> names, string wanted)
    {
        string w = wanted.Trim();
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], w, StringComparison.OrdinalIgnoreCase) || ClassNaming.FolderSafe(names[i]) == ClassNaming.FolderSafe(w))
                return i;
        if (int.TryParse(w, out int n) && n >= 0 && n < names.Count) return n;
        throw new ArgumentException(
            $"Unknown class '{wanted}'. Expected one of: {string.Join(", ", names.Select(ClassNaming.FolderSafe))} (or a label 0-{names.Count - 1}).");
    }

    private static int[] IndicesOf(ImageDataset data, int label, int count, string split)
    {
        var found = new List<int>(count);
        for (int i = 0; i < data.Count && found.Count < count; i++)
            if (data.Labels[i] == label) found.Add(i);
        if (found.Count < count)
            throw new ArgumentException(
                $"The {split} split has {found.Count} images of class '{data.ClassNames[label]}', fewer than the {count} asked for.");
        return found.ToArray();
    }
}
