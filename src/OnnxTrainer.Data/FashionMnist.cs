namespace OnnxTrainer.Data;

/// <summary>
/// Fashion-MNIST (Zalando): 60000 training and 10000 test images of 28x28 grey pixels, ten clothing classes.
/// Debian's <c>dataset-fashion-mnist</c> package installs the IDX files in <see cref="DefaultDirectory"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs the IDX files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The dataset's class names, by label 0..9.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The class names as folder names (<see cref="ClassNaming.FolderSafe"/> of <see cref="ClassNames"/>).</summary>
    public static readonly IReadOnlyList<string> FolderNames =
        ["t_shirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot"];

    /// <summary>Loads train and test from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>).</summary>
    /// <exception cref="DirectoryNotFoundException">The directory is missing; the message says what to install.</exception>
    /// <exception cref="FileNotFoundException">A file is missing from the directory.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string? directory = null) =>
        Mnist.LoadStandardFiles(
            directory ?? DefaultDirectory, ClassNames, "Fashion-MNIST",
            "run `apt-get install dataset-fashion-mnist`, or pass `--data fashion-mnist:DIR` with a directory holding those files");
}
