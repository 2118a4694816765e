using OnnxTrainer.Data;

namespace OnnxTrainer.Data.Tests;

public sealed class DataSpecTests
{
    [Theory]
    [InlineData("fashion-mnist", DataSourceKind.FashionMnist, FashionMnist.DefaultDirectory)]
    [InlineData("fashion-mnist:/data/fm", DataSourceKind.FashionMnist, "/data/fm")]
    [InlineData("Fashion-MNIST:relative/dir", DataSourceKind.FashionMnist, "relative/dir")]
    [InlineData("mnist:/data/mnist", DataSourceKind.Mnist, "/data/mnist")]
    [InlineData("mnist:/odd:path", DataSourceKind.Mnist, "/odd:path")]
    public void ParsesTheAcceptedForms(string text, DataSourceKind kind, string directory)
    {
        var spec = DataSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(directory, spec.Directory);
        Assert.Equal(spec, DataSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("cifar10", "unknown data source 'cifar10'")]
    [InlineData("mnist", "give its directory")]
    [InlineData("fashion-mnist:", "directory after ':' is empty")]
    [InlineData("", "unknown data source ''")]
    public void RejectsOtherFormsListingTheAcceptedOnes(string text, string fault)
    {
        var ex = Assert.Throws<FormatException>(() => DataSpec.Parse(text));
        Assert.Contains(fault, ex.Message);
        Assert.Contains("fashion-mnist, fashion-mnist:DIR, mnist:DIR", ex.Message);
    }

    [Fact]
    public void LoadsMnistFilesFromAnyDirectoryWithOrWithoutGz()
    {
        using var dir = new TempDirectory();
        dir.WriteStandardFiles(trainCount: 30, testCount: 12, gzip: name => name.Contains("images"));

        var data = DataSpec.Parse("mnist:" + dir.Path).Load();
        Assert.Equal(30, data.Train.Count);
        Assert.Equal(12, data.Test.Count);
        Assert.Null(data.Validation);
        Assert.Equal(Mnist.ClassNames, data.Train.ClassNames);
        Assert.Equal(new long[] { 1, 28, 28 }, data.Train.Shape);
        Assert.Equal(new[] { 0, 1, 2, 3 }, data.Test.Labels[..4].ToArray());

        var (train, _) = FashionMnist.Load(dir.Path);
        Assert.Equal(FashionMnist.ClassNames, train.ClassNames);
    }

    [Fact]
    public void MissingDirectorySaysWhatWasLookedForAndHowToGetIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-fashion-mnist-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<DirectoryNotFoundException>(() => DataSpec.Parse("fashion-mnist:" + missing).Load());
        Assert.Contains(missing, ex.Message);
        Assert.Contains("train-images-idx3-ubyte[.gz]", ex.Message);
        Assert.Contains("t10k-labels-idx1-ubyte[.gz]", ex.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Contains("--data fashion-mnist:DIR", ex.Message);

        var mnist = Assert.Throws<DirectoryNotFoundException>(() => Mnist.Load(missing));
        Assert.Contains("--data mnist:DIR", mnist.Message);
    }

    [Fact]
    public void MissingFileInAnExistingDirectoryIsNamed()
    {
        using var dir = new TempDirectory();
        dir.WriteStandardFiles(5, 5, gzip: _ => false);
        File.Delete(dir.File("t10k-labels-idx1-ubyte"));
        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains(dir.File("t10k-labels-idx1-ubyte") + ".gz", ex.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
    }

    [Fact]
    public void FashionMnistFolderNamesAreTheFolderSafeClassNames()
    {
        Assert.Equal(FashionMnist.ClassNames.Select(ClassNaming.FolderSafe), FashionMnist.FolderNames);
        Assert.Equal(10, FashionMnist.ClassNames.Count);
    }
}
