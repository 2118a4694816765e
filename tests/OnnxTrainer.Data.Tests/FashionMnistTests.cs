using System.IO.Compression;
using OnnxTrainer.Data;

namespace OnnxTrainer.Data.Tests;

/// <summary>A fact that runs only where Debian's dataset-fashion-mnist package is installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!Directory.Exists(FashionMnist.DefaultDirectory))
            Skip = $"Fashion-MNIST is not installed at {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).";
    }
}

/// <summary>Loads the real dataset once for all tests in <see cref="FashionMnistTests"/>.</summary>
public sealed class FashionMnistFixture
{
    private readonly Lazy<(ImageDataset Train, ImageDataset Test)> _data = new(() => FashionMnist.Load());

    public ImageDataset Train => _data.Value.Train;
    public ImageDataset Test => _data.Value.Test;
}

public sealed class FashionMnistTests(FashionMnistFixture data) : IClassFixture<FashionMnistFixture>
{
    private static byte[] Decompressed(string fileName)
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(FashionMnist.DefaultDirectory, fileName)), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    [FashionMnistFact]
    public void LoadsSixtyThousandTrainAndTenThousandTestImages()
    {
        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.Equal(new long[] { 1, 28, 28 }, data.Train.Shape);
        Assert.Equal(new long[] { 1, 28, 28 }, data.Test.Shape);
        Assert.Equal(10, data.Train.ClassCount);
        Assert.Equal("Ankle boot", data.Train.ClassNames[9]);
        Assert.All(data.Train.CountPerClass(), n => Assert.Equal(6000, n));
        Assert.All(data.Test.CountPerClass(), n => Assert.Equal(1000, n));
    }

    [FashionMnistFact]
    public void FirstLabelsAndPixelsMatchTheFileBytes()
    {
        // Known first training labels of Fashion-MNIST: ankle boot, T-shirt, T-shirt, dress, T-shirt.
        Assert.Equal(new[] { 9, 0, 0, 3, 0 }, data.Train.Labels[..5].ToArray());

        // And independently: labels start at byte 8 and pixels at byte 16 of the decompressed files.
        byte[] labels = Decompressed("train-labels-idx1-ubyte.gz");
        Assert.Equal(labels.Skip(8).Take(100).Select(b => (int)b), data.Train.Labels[..100].ToArray());
        byte[] testLabels = Decompressed("t10k-labels-idx1-ubyte.gz");
        Assert.Equal(testLabels.Skip(8).Select(b => (int)b), data.Test.Labels.ToArray());

        byte[] images = Decompressed("train-images-idx3-ubyte.gz");
        Assert.Equal(images.AsSpan(16, 784).ToArray(), data.Train.Image(0).ToArray());
        Assert.Equal(images.AsSpan(16 + 59999 * 784, 784).ToArray(), data.Train.Image(59999).ToArray());
    }

    [FashionMnistFact]
    public void FillsABatchOfRealImages()
    {
        int[] indices = [0, 59999, 12345];
        var images = new float[3 * 784];
        var oneHot = new float[3 * 10];
        data.Train.FillBatch(indices, images, oneHot, TargetEncoding.OneHot);

        for (int n = 0; n < 3; n++)
        {
            var pixels = data.Train.Image(indices[n]);
            for (int p = 0; p < 784; p++) Assert.Equal(pixels[p] / 255f, images[n * 784 + p], 1e-6f);
            Assert.Equal(1f, oneHot[n * 10 + data.Train.Labels[indices[n]]]);
            Assert.Equal(1f, oneHot.AsSpan(n * 10, 10).ToArray().Sum());
        }
        Assert.InRange(images.Max(), 0.99f, 1f);
    }

    [FashionMnistFact]
    public void TwoClassTransferSetup()
    {
        var pretrain = data.Train.ExcludeClasses("sandal", "ankle_boot");
        var finetune = data.Train.SelectClasses("sandal", "ankle_boot");
        Assert.Equal(48000, pretrain.Count);
        Assert.Equal(8, pretrain.ClassCount);
        Assert.Equal(12000, finetune.Count);
        Assert.Equal(new[] { "Sandal", "Ankle boot" }, finetune.ClassNames);
        Assert.Equal(1, finetune.Labels[0]); // the first training image is an ankle boot

        var folders = finetune.PerClass(0, 1000);
        Assert.Equal(new[] { 1000, 1000 }, folders.CountPerClass());

        var (train, validation) = data.Train.Split(0.2);
        Assert.Equal((48000, 12000), (train.Count, validation.Count));
        Assert.Equal(data.Train.Image(48000).ToArray(), validation.Image(0).ToArray());
    }
}
