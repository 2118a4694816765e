using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>
/// The runtime library's public API, rendered as text (TestSupport's PublicApi) and compared with tests/OnnxTrainer.Runtime.Tests/Approved/public-api.txt
/// (design.md 7.8): a change to what apps embed shows up as a diff and must be approved (ONNXTRAINER_APPROVE=1).
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void Public_api_is_unchanged() =>
        PublicApi.Verify("tests/OnnxTrainer.Runtime.Tests/Approved/public-api.txt", typeof(ImageModel).Assembly);

    [Fact]
    public void Runtime_references_only_onnx_runtime_and_skiasharp()
    {
        var references = typeof(ImageModel).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n != "netstandard")
            .Order().ToList();
        Assert.Equal(["Microsoft.ML.OnnxRuntime", "SkiaSharp"], references);
    }
}
