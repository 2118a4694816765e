using OnnxTrainer.Examples;
using OnnxTrainer.Runtime;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Packaging.Tests;

/// <summary>
/// README.md's library example is examples/library-readme/TrainExample.cs, compiled into this project, run here on a few
/// steps (the README's run is the full epoch), and quoted verbatim by the README.
/// </summary>
public class LibraryReadmeExampleTests
{
    private const string File = "examples/library-readme/TrainExample.cs";

    [Fact]
    public void Example_trains_exports_and_the_runtime_loads_the_model()
    {
        string dir = Directory.CreateTempSubdirectory("onnx-trainer-readme-").FullName;
        try
        {
            string path = Path.Combine(dir, "fashion.onnx");
            double acc = TrainExample.Run(path, stepsPerEpoch: 3);
            // Accuracy over 3 evaluation batches of 64: a multiple of 1/192.
            Assert.InRange(acc, 0, 1);
            Assert.Equal(0, acc * 192 - Math.Round(acc * 192), 6);

            using var model = ImageModel.Load(path);
            Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], model.Info.ClassNames);
            Assert.Equal((28, 28, 1), (model.Info.Height, model.Info.Width, model.Info.Channels));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Readme_quotes_the_example_file_verbatim() => ReadmeQuote.Verify(File);
}
