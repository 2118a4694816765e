using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Data.Tests.Folders;

public sealed class MakeFoldersTests
{
    private static readonly string[] Names = ["T-shirt/top", "Trouser", "Sneaker", "Ankle boot"];

    /// <summary>Grey 6x6 images; image i has label i % 4 and every pixel equal to i.</summary>
    private static ImageDataset Data(int count, int offset) => new(
        Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat((byte)(i + offset), 36)).ToArray(), 1, 6, 6,
        Enumerable.Range(0, count).Select(i => i % 4).ToArray(), Names);

    [Fact]
    public void WritesTrainValidationAndTestFoldersOfRgbImagesFromTheRightSplits()
    {
        using var dir = new TempDirectory();
        var train = Data(40, 0);
        var test = Data(20, 100);
        var folders = MakeFolders.Write(train, test, new MakeFoldersOptions { Classes = ["sneaker", "Ankle boot"], Size = 9, PerClass = (3, 2, 2), Workers = 2 }, dir.Path);
        Assert.Equal(["sneaker", "ankle_boot"], folders);

        string Value(string split, string cls, int k)
        {
            var (px, h, w) = ImageDecoder.Decode(Path.Combine(dir.Path, split, cls, $"{cls}.{k}.png"), ColorMode.Rgb);
            Assert.Equal((9, 9), (h, w));
            Assert.All(px, v => Assert.Equal(px[0], v)); // grey repeated into 3 channels, flat images stay flat
            return px[0].ToString();
        }
        // Sneaker is label 2: training images 2, 6, 10 train, 14, 18 validate; test images 2 and 6 (values 102, 106).
        Assert.Equal(["2", "6", "10"], Enumerable.Range(0, 3).Select(k => Value("train", "sneaker", k)));
        Assert.Equal(["14", "18"], Enumerable.Range(3, 2).Select(k => Value("validation", "sneaker", k)));
        Assert.Equal(["102", "106"], Enumerable.Range(5, 2).Select(k => Value("test", "sneaker", k)));
        Assert.Equal("3", Value("train", "ankle_boot", 0));

        var opened = DataSpec.Parse("folders:" + dir.Path).Open(new SourceOptions { Input = (9, 9, 3) }, TextWriter.Null);
        Assert.Equal(["ankle_boot", "sneaker"], opened.Train.ClassNames);
        Assert.Equal(6, opened.Train.Count);
        Assert.Equal(4, opened.Validation!.Count);
        Assert.Equal(4, opened.Test!.Count);

        var again = Assert.Throws<ArgumentException>(() => MakeFolders.Write(train, test, new MakeFoldersOptions { Classes = ["sneaker", "trouser"], Size = 9, PerClass = (1, 1, 1) }, dir.Path));
        Assert.Contains("exists and is not empty", again.Message);
    }

    [Fact]
    public void UnknownClassesAndTooFewImagesAreErrors()
    {
        using var dir = new TempDirectory();
        var data = Data(12, 0);
        var unknown = Assert.Throws<ArgumentException>(() => MakeFolders.Write(data, data, new MakeFoldersOptions { Classes = ["sneaker", "sandal"] }, dir.Path));
        Assert.Contains("Unknown class 'sandal'", unknown.Message);
        Assert.Contains("t_shirt_top, trouser, sneaker, ankle_boot", unknown.Message);
        var few = Assert.Throws<ArgumentException>(() => MakeFolders.Write(data, data, new MakeFoldersOptions { Classes = ["0", "1"], PerClass = (2, 2, 1) }, dir.Path));
        Assert.Contains("has 3 images of class 'T-shirt/top', fewer than the 4 asked for", few.Message);
    }
}
