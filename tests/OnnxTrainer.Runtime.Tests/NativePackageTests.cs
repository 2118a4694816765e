using System.Text.Json;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>Which ONNX Runtime packages restore resolved: the libraries get the managed one only; the apps the CPU one unless the GPU switch is on.</summary>
public class NativePackageTests
{
    private static IReadOnlyList<string> OnnxRuntimePackages(string project)
    {
        string assets = Path.Combine(Approval.RepoRoot(), project, "obj", "project.assets.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(assets));
        return doc.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name)
            .Where(n => n.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [InlineData("src/OnnxTrainer.Runtime")]
    [InlineData("src/OnnxTrainer.Training")]
    public void Libraries_restore_the_managed_package_only(string project) =>
        Assert.Equal(["Microsoft.ML.OnnxRuntime.Managed/1.32.0"], OnnxRuntimePackages(project));

    [CpuBuildFact]
    public void The_default_build_of_the_tests_restores_the_cpu_package_and_not_the_gpu_one() =>
        Assert.Equal(["Microsoft.ML.OnnxRuntime.Managed/1.32.0", "Microsoft.ML.OnnxRuntime/1.32.0"], OnnxRuntimePackages("tests/OnnxTrainer.Runtime.Tests"));
}
