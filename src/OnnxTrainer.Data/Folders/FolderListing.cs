using OnnxTrainer.Onnx.Files;

namespace OnnxTrainer.Data.Folders;

/// <summary>
/// The files of a <c>flow_from_directory</c> folder: one subfolder per class, classes sorted by name (ordinal, as
/// Python's <c>sorted</c>), each class's image files found recursively and sorted by folder then name, classes
/// concatenated in class order. Files whose names do not end in <see cref="ImageDecoder.Extensions"/> are ignored.
/// </summary>
public sealed record FolderListing(string Directory, IReadOnlyList<string> ClassNames, IReadOnlyList<string> Files, IReadOnlyList<int> Labels)
{
    /// <summary>
    /// Lists <paramref name="directory"/>. With a validation split, each class's first int(split * n) sorted files form
    /// <see cref="Subset.Validation"/> and the rest <see cref="Subset.Training"/> (Keras's <c>subset</c>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder has no class subfolders.</exception>
    public static FolderListing Read(string directory, double validationSplit = 0, Subset subset = Subset.All)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Image folder '{directory}' does not exist; expected a folder with one subfolder of images per class.");
        var classes = System.IO.Directory.GetDirectories(directory).Select(d => System.IO.Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0)
            throw new InvalidDataException(
                $"Image folder '{directory}' has no class subfolders; expected one subfolder of images per class (for example '{directory}/cats', '{directory}/dogs').");
        var files = new List<string>();
        var labels = new List<int>();
        foreach (string name in classes) FileNames.CheckUtf8(System.IO.Path.Combine(directory, name), "Class folder");
        for (int c = 0; c < classes.Length; c++)
        {
            string root = System.IO.Path.Combine(directory, classes[c]);
            var found = System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(ImageDecoder.HasImageExtension)
                .OrderBy(f => System.IO.Path.GetDirectoryName(f), StringComparer.Ordinal)
                .ThenBy(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)
                .ToArray();
            int held = (int)(validationSplit * found.Length);
            var (start, stop) = subset switch
            {
                Subset.Training => (held, found.Length),
                Subset.Validation => (0, held),
                _ => (0, found.Length),
            };
            for (int i = start; i < stop; i++)
            {
                files.Add(found[i]);
                labels.Add(c);
            }
        }
        return new FolderListing(directory, classes, files, labels);
    }
}
