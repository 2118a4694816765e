using OnnxTrainer.Examples;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>README.md's embedding example is examples/runtime-readme/EmbedExample.cs, compiled into this project, run here, and quoted verbatim by the README.</summary>
public class ReadmeExampleTests
{
    private const string File = "examples/runtime-readme/EmbedExample.cs";

    [Fact]
    public void Example_runs_and_writes_the_gradcam_picture()
    {
        using var picture = Fixtures.Picture(64, 48, 12);
        string image = Path.Combine(Fixtures.Folder, "readme.png"), heat = Path.Combine(Fixtures.Folder, "readme-cam.jpg");
        System.IO.File.WriteAllBytes(image, Fixtures.Png(picture));
        string text = EmbedExample.Describe(Fixtures.Binary, image, heat);
        using var model = ImageModel.Load(Fixtures.Binary);
        var top = model.Predict(image).Top;
        Assert.Equal($"{top.Name} {top.Probability:0.000}", text);
        using var written = ImageLoader.Decode(heat);
        Assert.Equal((64, 48), (written.Width, written.Height));
    }

    [Fact]
    public void Readme_quotes_the_example_file_verbatim() => ReadmeQuote.Verify(File);
}
