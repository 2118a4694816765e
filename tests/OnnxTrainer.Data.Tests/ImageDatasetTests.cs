using OnnxTrainer.Data;

namespace OnnxTrainer.Data.Tests;

public sealed class ImageDatasetTests
{
    /// <summary>count examples of [channels, h, w]; every pixel of example i is (i * 10 + p) % 256; labels[i] given.</summary>
    private static ImageDataset Make(int[] labels, string[] classes, int channels = 1, int h = 2, int w = 2)
    {
        int size = channels * h * w;
        var pixels = new byte[labels.Length * size];
        for (int i = 0; i < labels.Length; i++)
            for (int p = 0; p < size; p++)
                pixels[i * size + p] = (byte)((i * 10 + p) % 256);
        return new ImageDataset(pixels, channels, h, w, labels, classes);
    }

    private static readonly string[] Abc = ["a", "b", "c"];

    [Fact]
    public void FillImagesRescalesPixelsIntoNchw()
    {
        // 3x5x7 = 105 values per example: more than one vector and a scalar tail on any hardware.
        var ds = Make([0, 1, 2, 0], Abc, channels: 3, h: 5, w: 7);
        int[] indices = [2, 0];
        var images = new float[2 * ds.ExampleSize];
        ds.FillImages(indices, images);

        for (int n = 0; n < indices.Length; n++)
            for (int p = 0; p < ds.ExampleSize; p++)
            {
                byte b = (byte)((indices[n] * 10 + p) % 256);
                Assert.Equal(b * (1f / 255f), images[n * ds.ExampleSize + p]);
            }
        Assert.Equal(20f / 255f, images[0], 6);
        Assert.Equal(new long[] { 3, 5, 7 }, ds.Shape);
    }

    [Fact]
    public void FillImagesCoversTheFullByteRange()
    {
        var pixels = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var ds = new ImageDataset(pixels, 1, 16, 16, [0], ["only"]);
        var images = new float[256];
        ds.FillImages([0], images);
        for (int i = 0; i < 256; i++) Assert.Equal(i * (1f / 255f), images[i]);
        Assert.Equal(1f, images[255]);

        ds.FillImages([0], images, scale: 1f);
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (float)i), images);
    }

    [Fact]
    public void FillsSparseOneHotAndBinaryTargets()
    {
        var ds = Make([2, 0, 1, 2], Abc);
        int[] indices = [3, 1, 2];

        var sparse = new long[3];
        ds.FillLabels(indices, sparse);
        Assert.Equal(new long[] { 2, 0, 1 }, sparse);

        var oneHot = Enumerable.Repeat(9f, 9).ToArray(); // stale values must be cleared
        ds.FillTargets(indices, oneHot, TargetEncoding.OneHot);
        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, oneHot);

        var two = ds.SelectClasses("c", "a"); // c -> 0, a -> 1
        var binary = new float[two.Count];
        two.FillTargets([0, 1, 2], binary, TargetEncoding.Binary);
        Assert.Equal(new float[] { 0, 1, 0 }, binary); // original order: c(0), a(1), c(3)

        Assert.Equal(new long[] { 3 }, ds.TargetShape(TargetEncoding.Sparse, 3));
        Assert.Equal(new long[] { 3, 3 }, ds.TargetShape(TargetEncoding.OneHot, 3));
        Assert.Equal(new long[] { 3, 1 }, ds.TargetShape(TargetEncoding.Binary, 3));
    }

    [Fact]
    public void FillBatchWritesImagesAndTargets()
    {
        var ds = Make([1, 0], ["x", "y"]);
        var images = new float[2 * 4];
        var targets = new float[2];
        ds.FillBatch([1, 0], images, targets, TargetEncoding.Binary);
        Assert.Equal(new float[] { 0, 1 }, targets);
        Assert.Equal(10f / 255f, images[0]);
        Assert.Equal(0f, images[4]);

        var labels = new long[2];
        ds.FillBatch([0, 1], images, labels);
        Assert.Equal(new long[] { 1, 0 }, labels);
        Assert.Equal(0f, images[0]);
    }

    [Fact]
    public void FillChecksBuffersAndIndices()
    {
        var ds = Make([0, 1, 2], Abc);
        Assert.Throws<ArgumentException>(() => ds.FillImages([0, 1], new float[7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.FillImages([3], new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.FillLabels([-1], new long[1]));
        Assert.Throws<ArgumentException>(() => ds.FillTargets([0], new float[2], TargetEncoding.OneHot));
        var ex = Assert.Throws<InvalidOperationException>(() => ds.FillTargets([0], new float[1], TargetEncoding.Binary));
        Assert.Contains("exactly two classes", ex.Message);
    }

    [Fact]
    public void FillBatchAllocatesNothing()
    {
        var ds = Make(Enumerable.Range(0, 100).Select(i => i % 3).ToArray(), Abc, channels: 1, h: 28, w: 28);
        int[] indices = Enumerable.Range(0, 64).Select(i => (i * 37) % 100).ToArray();
        var images = new float[64 * ds.ExampleSize];
        var labels = new long[64];
        var oneHot = new float[64 * 3];
        ds.FillBatch(indices, images, labels);
        ds.FillBatch(indices, images, oneHot, TargetEncoding.OneHot);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            ds.FillBatch(indices, images, labels);
            ds.FillBatch(indices, images, oneHot, TargetEncoding.OneHot);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void SplitTakesTheLastFractionLikeKeras()
    {
        var ds = Make(Enumerable.Range(0, 10).Select(i => i % 3).ToArray(), Abc);
        var (train, validation) = ds.Split(0.2);
        Assert.Equal(8, train.Count);
        Assert.Equal(2, validation.Count);
        Assert.Equal(ds.Image(8).ToArray(), validation.Image(0).ToArray());
        Assert.Equal(ds.Image(9).ToArray(), validation.Image(1).ToArray());
        Assert.Equal(ds.Labels[..8].ToArray(), train.Labels.ToArray());
        Assert.Equal(ds.Labels[8..].ToArray(), validation.Labels.ToArray());

        // Keras: split_at = int(n * (1 - fraction)); 7 * 0.7 = 4.9 -> 4 train, 3 validation.
        var (t7, v7) = Make([0, 1, 2, 0, 1, 2, 0], Abc).Split(0.3);
        Assert.Equal((4, 3), (t7.Count, v7.Count));

        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Split(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Split(1));
    }

    [Fact]
    public void SubsetAndSliceCopyTheChosenExamples()
    {
        var ds = Make([0, 1, 2, 0, 1], Abc);
        var sub = ds.Subset([4, 1, 1]);
        Assert.Equal(new[] { 1, 1, 1 }, sub.Labels.ToArray());
        Assert.Equal(ds.Image(4).ToArray(), sub.Image(0).ToArray());
        Assert.Equal(ds.Image(1).ToArray(), sub.Image(2).ToArray());
        Assert.Equal(Abc, sub.ClassNames);

        var slice = ds.Slice(1, 3);
        Assert.Equal(new[] { 1, 2, 0 }, slice.Labels.ToArray());
        Assert.Equal(ds.Image(3).ToArray(), slice.Image(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Slice(3, 3));
    }

    [Fact]
    public void SelectClassesKeepsOrderAndRemapsLabelsInTheGivenOrder()
    {
        var ds = Make([0, 1, 2, 3, 2, 1, 0], ["t_shirt", "Ankle boot", "Bag", "Coat"]);
        var two = ds.SelectClasses("Bag", "ankle_boot"); // folder-safe names work too
        Assert.Equal(new[] { "Bag", "Ankle boot" }, two.ClassNames);
        Assert.Equal(new[] { 1, 0, 0, 1 }, two.Labels.ToArray()); // examples 1, 2, 4, 5
        Assert.Equal(ds.Image(4).ToArray(), two.Image(2).ToArray());
        Assert.Equal(new[] { 2, 2 }, two.CountPerClass());

        var byIndex = ds.SelectClasses(3, 0);
        Assert.Equal(new[] { "Coat", "t_shirt" }, byIndex.ClassNames);
        Assert.Equal(new[] { 1, 0, 1 }, byIndex.Labels.ToArray());

        var rest = ds.ExcludeClasses("Bag", "Ankle boot");
        Assert.Equal(new[] { "t_shirt", "Coat" }, rest.ClassNames);
        Assert.Equal(new[] { 0, 1, 0 }, rest.Labels.ToArray());

        var ex = Assert.Throws<ArgumentException>(() => ds.SelectClasses("Dog"));
        Assert.Contains("'Ankle boot'", ex.Message);
        Assert.Throws<ArgumentException>(() => ds.SelectClasses(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.SelectClasses(4));
    }

    [Fact]
    public void PerClassTakesDisjointRanksOfEachClass()
    {
        var labels = Enumerable.Range(0, 20).Select(i => i % 2).ToArray();
        var ds = Make(labels, ["cat", "dog"]);
        var train = ds.PerClass(0, 5);
        var validation = ds.PerClass(5, 3);
        Assert.Equal(new[] { 5, 5 }, train.CountPerClass());
        Assert.Equal(new[] { 3, 3 }, validation.CountPerClass());
        Assert.Equal(ds.Subset([.. Enumerable.Range(0, 10)]).Pixels.ToArray(), train.Pixels.ToArray());
        Assert.Equal(ds.Subset([.. Enumerable.Range(10, 6)]).Pixels.ToArray(), validation.Pixels.ToArray());
        var ex = Assert.Throws<ArgumentException>(() => ds.PerClass(8, 3));
        Assert.Contains("'cat' has 10 examples", ex.Message);
    }

    [Fact]
    public void ConstructorValidates()
    {
        Assert.Throws<ArgumentException>(() => new ImageDataset(new byte[7], 1, 2, 2, [0, 0], Abc));
        Assert.Throws<ArgumentException>(() => new ImageDataset(new byte[4], 1, 2, 2, [3], Abc));
        Assert.Throws<ArgumentException>(() => new ImageDataset(new byte[4], 1, 2, 2, [0], ["a", "a"]));
    }

    [Fact]
    public void WithClassNamesRenames()
    {
        var ds = Make([0, 1], ["x", "y"]).WithClassNames(["0", "1"]);
        Assert.Equal(new[] { "0", "1" }, ds.ClassNames);
        Assert.Throws<ArgumentException>(() => ds.WithClassNames(["0"]));
    }

    [Theory]
    [InlineData("T-shirt/top", "t_shirt_top")]
    [InlineData("Ankle boot", "ankle_boot")]
    [InlineData("  Dogs & Cats  ", "dogs_cats")]
    [InlineData("7", "7")]
    public void FolderSafeNames(string name, string expected) => Assert.Equal(expected, ClassNaming.FolderSafe(name));
}
