using OnnxTrainer.Data;

namespace OnnxTrainer.Data.Tests;

/// <summary>A temporary directory deleted on dispose, with helpers to write small IDX datasets.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("onnxtrainer-data-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);

    /// <summary>count images of rows x cols where pixel p of image i is (i * 7 + p) % 256, labels i % classes.</summary>
    public static (byte[] Pixels, byte[] Labels) Generate(int count, int rows, int cols, int classes)
    {
        var pixels = new byte[count * rows * cols];
        for (int i = 0; i < count; i++)
            for (int p = 0; p < rows * cols; p++)
                pixels[i * rows * cols + p] = (byte)((i * 7 + p) % 256);
        var labels = new byte[count];
        for (int i = 0; i < count; i++) labels[i] = (byte)(i % classes);
        return (pixels, labels);
    }

    /// <summary>Writes the four standard MNIST-named files; gzip selects which get a .gz (compressed) version.</summary>
    public void WriteStandardFiles(int trainCount, int testCount, Func<string, bool> gzip)
    {
        var (trainPixels, trainLabels) = Generate(trainCount, 28, 28, 10);
        var (testPixels, testLabels) = Generate(testCount, 28, 28, 10);
        string Name(string n) => gzip(n) ? File(n + ".gz") : File(n);
        Idx.WriteImages(Name("train-images-idx3-ubyte"), trainPixels, trainCount, 28, 28, gzip("train-images-idx3-ubyte"));
        Idx.WriteLabels(Name("train-labels-idx1-ubyte"), trainLabels, gzip("train-labels-idx1-ubyte"));
        Idx.WriteImages(Name("t10k-images-idx3-ubyte"), testPixels, testCount, 28, 28, gzip("t10k-images-idx3-ubyte"));
        Idx.WriteLabels(Name("t10k-labels-idx1-ubyte"), testLabels, gzip("t10k-labels-idx1-ubyte"));
    }
}
