using OnnxTrainer.Data.Augmentation;
using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Data.Tests.Folders;

public sealed class FolderSpecTests
{
    private static TempDirectory Layout(bool withValidation)
    {
        var dir = new TempDirectory();
        foreach (var split in withValidation ? new[] { "train", "validation", "test" } : ["train", "test"])
            foreach (var cls in new[] { "dogs", "cats" })
            {
                Directory.CreateDirectory(Path.Combine(dir.Path, split, cls));
                for (int i = 0; i < (split == "train" ? 5 : 2); i++)
                    TestImages.Png(Path.Combine(dir.Path, split, cls, $"{i}.png"), TestImages.Pattern(6, 6, i), 6, 6);
            }
        return dir;
    }

    [Fact]
    public void ParsesFoldersSpecs()
    {
        var spec = DataSpec.Parse("folders:/data/cats_and_dogs_small");
        Assert.Equal(DataSourceKind.Folders, spec.Kind);
        Assert.Equal("/data/cats_and_dogs_small", spec.Directory);
        Assert.Equal(spec, DataSpec.Parse(spec.ToString()));
        Assert.Contains("give the image folder", Assert.Throws<FormatException>(() => DataSpec.Parse("folders")).Message);
    }

    [Fact]
    public void OpensTrainValidationAndTestPrintingKerasFoundLines()
    {
        using var dir = Layout(withValidation: true);
        var log = new StringWriter();
        var data = DataSpec.Parse("folders:" + dir.Path).Open(new SourceOptions { Input = (4, 4, 1), Augment = AugmentOptions.Listing514 }, log);

        Assert.Equal(
            "Found 10 images belonging to 2 classes.\nFound 4 images belonging to 2 classes.\nFound 4 images belonging to 2 classes.\n",
            log.ToString().ReplaceLineEndings("\n"));
        Assert.IsType<AugmentedSource>(data.Train); // only the training data is augmented
        Assert.IsType<FolderSource>(data.Validation);
        Assert.IsType<FolderSource>(data.Test);
        Assert.Equal(new long[] { 1, 4, 4 }, data.Train.ExampleShape); // grayscale for a 1-channel model, resized to its input
        Assert.Equal(["cats", "dogs"], data.Test!.ClassNames);
    }

    [Fact]
    public void ValidationSplitOfAFolderHoldsOutPerClassUnlessItHasAValidationFolder()
    {
        using var dir = Layout(withValidation: false);
        var log = new StringWriter();
        var data = DataSpec.Parse("folders:" + dir.Path).Open(new SourceOptions { Input = (6, 6, 3), ValidationSplit = 0.4 }, log);
        Assert.Equal(6, data.Train.Count);
        Assert.Equal(4, data.Validation!.Count); // int(0.4 * 5) = 2 per class
        Assert.StartsWith("Found 6 images belonging to 2 classes.", log.ToString());

        using var both = Layout(withValidation: true);
        var ex = Assert.Throws<ArgumentException>(() => DataSpec.Parse("folders:" + both.Path).Open(new SourceOptions { ValidationSplit = 0.2 }, TextWriter.Null));
        Assert.Contains("already has a validation folder", ex.Message);
    }

    [Fact]
    public void AClassRootWithoutTrainFolderIsTrainingDataAlone()
    {
        using var dir = Layout(withValidation: false);
        var data = DataSpec.Parse("folders:" + Path.Combine(dir.Path, "train")).Open(new SourceOptions { Input = (6, 6, 3) }, TextWriter.Null);
        Assert.Equal(10, data.Train.Count);
        Assert.Null(data.Validation);
        Assert.Null(data.Test);
    }

    [Fact]
    public void OpenTestReadsOnlyTheTestFolder()
    {
        using var dir = Layout(withValidation: false);
        var log = new StringWriter();
        var test = DataSpec.Parse("folders:" + dir.Path).OpenTest(new SourceOptions { Input = (3, 3, 3) }, log);
        Assert.Equal(4, test.Count);
        Assert.Equal(new long[] { 3, 3, 3 }, test.ExampleShape);
        Assert.Equal("Found 4 images belonging to 2 classes.", log.ToString().Trim());
        var missing = Assert.Throws<DirectoryNotFoundException>(() => DataSpec.Parse("folders:" + Path.Combine(dir.Path, "train")).OpenTest(new SourceOptions(), TextWriter.Null));
        Assert.Contains("no test folder", missing.Message);
    }

    [Fact]
    public void SplitsWithDifferentClassesAreRejected()
    {
        using var dir = Layout(withValidation: true);
        Directory.CreateDirectory(Path.Combine(dir.Path, "test", "birds"));
        TestImages.Png(Path.Combine(dir.Path, "test", "birds", "b.png"), TestImages.Pattern(6, 6), 6, 6);
        var ex = Assert.Throws<InvalidDataException>(() => DataSpec.Parse("folders:" + dir.Path).Open(new SourceOptions { Input = (6, 6, 3) }, TextWriter.Null));
        Assert.Contains("birds, cats, dogs", ex.Message);
    }
}
