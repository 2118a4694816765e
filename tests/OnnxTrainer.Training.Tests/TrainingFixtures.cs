using OnnxTrainer.Data;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Tests;

/// <summary>Small, real training data shared by the training tests: slices of Fashion-MNIST.</summary>
public static class TrainingFixtures
{
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)> Fashion = new(() => FashionMnist.Load());

    public static bool HaveFashionMnist => Directory.Exists(FashionMnist.DefaultDirectory);

    public static ImageDataset FashionTrain(int count) => Fashion.Value.Train.Slice(0, count);

    public static ImageDataset FashionTest(int count) => Fashion.Value.Test.Slice(0, count);

    public static DatasetSource Source(ImageDataset d) => new(d);

    /// <summary>A run directory under the test's temp folder, removed by the OS's temp cleanup.</summary>
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "onnx-trainer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>A fact that is skipped, saying why, where Fashion-MNIST is not installed.</summary>
public sealed class FashionFactAttribute : FactAttribute
{
    public FashionFactAttribute()
    {
        if (!TrainingFixtures.HaveFashionMnist)
            Skip = $"Fashion-MNIST is not installed at {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist; tools/setup.sh does it).";
    }
}
