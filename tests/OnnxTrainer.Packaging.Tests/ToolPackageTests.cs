using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Packaging.Tests;

/// <summary>README's install: dotnet tool install from the packed feed gives a working onnx-trainer command.</summary>
public class ToolPackageTests
{
    [Fact]
    public void Tool_installed_from_the_feed_prints_the_vgg16_summary()
    {
        string dir = Directory.CreateTempSubdirectory("onnx-trainer-tool-").FullName;
        try
        {
            string tools = Path.Combine(dir, "tools");
            var install = ProcessRun.Of("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", PackedFeed.Path, "--version", PackedFeed.Version, "OnnxTrainer.Cli"],
                dir, TimeSpan.FromMinutes(5)).Succeeded();
            Assert.Contains($"Tool 'onnxtrainer.cli' (version '{PackedFeed.Version}') was successfully installed.", install.Output);

            var summary = ProcessRun.Of(Path.Combine(tools, "onnx-trainer"), ["summary", "vgg16-base", "--head", "dense256", "--freeze-base"], dir, TimeSpan.FromMinutes(2)).Succeeded();
            Assert.Equal(["Total params: 16,812,353", "Trainable params: 2,097,665", "Non-trainable params: 14,714,688"], summary.Output.TrimEnd().Split('\n')[^3..]);

            var bad = ProcessRun.Of(Path.Combine(tools, "onnx-trainer"), ["summary", "vgg16-base", "--head", "dense999"], dir, TimeSpan.FromMinutes(2));
            Assert.Equal(2, bad.ExitCode);
            Assert.Equal("error: Unknown head 'dense999'. Expected one of: dense256, dense256-dropout, gap-dense, conv32-dense256.\n", bad.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
