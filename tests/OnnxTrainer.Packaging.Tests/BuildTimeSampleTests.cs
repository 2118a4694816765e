using OnnxTrainer.Examples;
using OnnxTrainer.Runtime;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Packaging.Tests;

/// <summary>
/// examples/OnnxTrainer.Example.BuildTime, built as a user's app from the packed OnnxTrainer.Build and OnnxTrainer.Runtime
/// (a copy in a temporary folder, restored from the feed into its own packages folder): the first build exports and
/// embeds the model, a second build exports nothing, the app predicts, a changed recipe exports again, and a bad recipe
/// is an MSBuild error naming the item and the metadata.
/// </summary>
public class BuildTimeSampleTests
{
    private const string Sample = "examples/OnnxTrainer.Example.BuildTime";
    private const string Project = "OnnxTrainer.Example.BuildTime.csproj";
    private const string Exported = "  OnnxModel models/catsdogs.onnx -> ";

    [Fact]
    public void Sample_builds_from_the_packages_exports_once_and_predicts()
    {
        string dir = Directory.CreateTempSubdirectory("onnx-trainer-buildtime-").FullName;
        try
        {
            string app = CopySample(dir);
            string model = Path.Combine(app, "obj", "Release", "net10.0", "onnx", "models", "catsdogs.onnx");

            var first = Build(app);
            Assert.Contains(Exported + model, first.Output);
            byte[] bytes = File.ReadAllBytes(model);
            DateTime written = File.GetLastWriteTimeUtc(model);

            var second = Build(app);
            Assert.Contains("Skipping target \"OnnxTrainerGenerateModels\" because all output files are up-to-date with respect to the input files.", second.Output);
            Assert.DoesNotContain(Exported, second.Output);
            Assert.Equal(written, File.GetLastWriteTimeUtc(model));
            Assert.Equal(bytes, File.ReadAllBytes(model));

            // The app reads the embedded model; the same file loaded here gives the same prediction of the same picture.
            var run = ProcessRun.Of("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "OnnxTrainer.Example.BuildTime.dll")], app, TimeSpan.FromMinutes(2)).Succeeded();
            using (var loaded = ImageModel.Load(model))
            using (var picture = SampleImage.Draw())
            {
                Assert.Equal(["cats", "dogs"], loaded.Info.ClassNames);
                var top = loaded.Predict(picture).Top;
                Assert.Equal($"{top.Name} {top.Probability:0.0000}\n", run.Output);
            }

            // A changed recipe (another seed) exports again: other weights. CopyToOutputDirectory copies it to bin/ too.
            // A second item takes its weights from a file (written by the tool the build installed): the file is an input.
            string csproj = Path.Combine(app, Project), digits = Path.Combine(Path.GetDirectoryName(model)!, "digits.onnx");
            string tool = Path.Combine(app, "obj", "onnx-trainer", PackedFeed.Version, "onnx-trainer"), weights = Path.Combine(app, "weights.onnx");
            ProcessRun.Of(tool, ["export", "mnist-convnet", "--seed", "5", "--no-explain", "--out", weights], app, TimeSpan.FromMinutes(2)).Succeeded();
            File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("Seed=\"1\" Embed=\"true\" />",
                "Seed=\"2\" Embed=\"true\" CopyToOutputDirectory=\"PreserveNewest\" />\n    <OnnxModel Include=\"models/digits.onnx\" Model=\"mnist-convnet\" Weights=\"weights.onnx\" NoExplain=\"true\" />"));
            var reseeded = Build(app);
            Assert.Contains(Exported + model, reseeded.Output);
            byte[] reseededBytes = File.ReadAllBytes(model);
            Assert.NotEqual(bytes, reseededBytes);
            Assert.Equal(bytes.Length, reseededBytes.Length);
            Assert.Equal(reseededBytes, File.ReadAllBytes(Path.Combine(app, "bin", "Release", "net10.0", "models", "catsdogs.onnx")));
            Assert.Contains("  OnnxModel models/digits.onnx -> " + digits, reseeded.Output);
            Assert.Equal(File.ReadAllBytes(weights), File.ReadAllBytes(digits)); // the file's weights, not seed 1's

            // New weights in the same file: only that item exports again.
            ProcessRun.Of(tool, ["export", "mnist-convnet", "--seed", "6", "--no-explain", "--out", weights], app, TimeSpan.FromMinutes(2)).Succeeded();
            var reweighted = Build(app);
            Assert.Contains("  OnnxModel models/digits.onnx -> " + digits, reweighted.Output);
            Assert.DoesNotContain(Exported, reweighted.Output);
            Assert.Equal(File.ReadAllBytes(weights), File.ReadAllBytes(digits));
            Assert.Equal(reseededBytes, File.ReadAllBytes(model));

            // A bad recipe: one MSBuild error naming the item, the metadata and what the exporter expected; the model stays.
            File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("InputShape=\"150,150,3\"", "InputShape=\"150,150\""));
            var bad = Build(app, succeed: false);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains($"{csproj} : error ONNXT003: OnnxModel 'models/catsdogs.onnx', metadata InputShape=\"150,150\": " +
                            "--input-shape expects H,W,C, three positive whole numbers separated by commas (for example 150,150,3); got '150,150'.", bad.Output);
            Assert.Contains("1 Error(s)", bad.Output);
            Assert.Equal(reseededBytes, File.ReadAllBytes(model));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The sample's project files into DIR/app, with a nuget.config whose sources are the feed and the machine's, and a
    /// packages folder of its own (so a repacked version is never served from an older copy).
    /// </summary>
    private static string CopySample(string dir)
    {
        string source = Path.Combine(Approval.RepoRoot(), Sample), app = Path.Combine(dir, "app");
        Directory.CreateDirectory(app);
        foreach (var name in new[] { Project, "Program.cs", "SampleImage.cs" })
            File.Copy(Path.Combine(source, name), Path.Combine(app, name));
        string packages = Path.Combine(dir, "packages");
        // Packages already on the machine (ONNX Runtime, SkiaSharp) are read in place, unless it holds OnnxTrainer packages of this version.
        string machine = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"));
        bool machineUsable = Directory.Exists(machine) && !Directory.Exists(Path.Combine(machine, "onnxtrainer.runtime", PackedFeed.Version)) &&
                             !Directory.Exists(Path.Combine(machine, "onnxtrainer.build", PackedFeed.Version));
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{packages}" /></config>
              <packageSources><add key="onnxtrainer-feed" value="{PackedFeed.Path}" /></packageSources>
              {(machineUsable ? $"<fallbackPackageFolders><add key=\"machine\" value=\"{machine}\" /></fallbackPackageFolders>" : "")}
            </configuration>
            """);
        return app;
    }

    private static ProcessRun Build(string app, bool succeed = true)
    {
        var run = ProcessRun.Of("dotnet", ["build", "-c", "Release", "-v:n", "-nodeReuse:false", "--disable-build-servers", $"-p:OnnxTrainerVersion={PackedFeed.Version}"],
            app, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(Path.GetDirectoryName(app)!, "packages") });
        return succeed ? run.Succeeded() : run;
    }
}
