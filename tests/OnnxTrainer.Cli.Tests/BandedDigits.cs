using OnnxTrainer.Data;

namespace OnnxTrainer.Cli.Tests;

/// <summary>
/// A small MNIST-format data set the CLI tests train on: 300 training and 100 test 28x28 images of 10 classes whose
/// class is drawn into the image (a bright two-row band), so a convnet learns them in one short epoch.
/// </summary>
public static class BandedDigits
{
    /// <summary>Writes the four IDX files into folder/idx and returns the data spec "mnist:DIR".</summary>
    public static string Write(TempFolder folder)
    {
        string dir = folder["idx"];
        Directory.CreateDirectory(dir);
        void Write(string images, string labels, int count, int seed)
        {
            var rng = new Random(seed);
            var pixels = new byte[count * 784];
            var y = new byte[count];
            for (int i = 0; i < count; i++)
            {
                y[i] = (byte)(i % 10);
                for (int p = 0; p < 784; p++) pixels[i * 784 + p] = (byte)rng.Next(0, 60);
                for (int r = 2 * y[i] + 4; r < 2 * y[i] + 6; r++)
                    for (int c = 0; c < 28; c++) pixels[i * 784 + r * 28 + c] = 255;
            }
            Idx.WriteImages(Path.Combine(dir, images), pixels, count, 28, 28);
            Idx.WriteLabels(Path.Combine(dir, labels), y);
        }
        Write("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 300, 1);
        Write("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 100, 2);
        return "mnist:" + dir;
    }
}
