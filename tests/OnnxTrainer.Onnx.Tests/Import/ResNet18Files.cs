using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Onnx.Tests.Import;

/// <summary>
/// Where tools/get-resnet18.sh put ResNet18.onnx and ResNetPreprocess.onnx: the environment variables
/// ONNXTRAINER_RESNET18 and ONNXTRAINER_RESNET_PREPROCESS, else the lines of artifacts/resnet18.paths.
/// </summary>
internal static class ResNet18Files
{
    public static readonly string? Model = Find("ONNXTRAINER_RESNET18", "resnet18: ");
    public static readonly string? Preprocess = Find("ONNXTRAINER_RESNET_PREPROCESS", "preprocess: ");

    public const string SkipReason = "ResNet18 is not restored: run tools/get-resnet18.sh (tools/test.sh does).";

    private static string? Find(string variable, string prefix)
    {
        string? path = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(path))
        {
            string list = Path.Combine(Approval.RepoRoot(), "artifacts", "resnet18.paths");
            path = File.Exists(list) ? File.ReadLines(list).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..] : null;
        }
        return path is not null && File.Exists(path) ? path : null;
    }
}

/// <summary>A test that needs ResNet18's files: skipped, with how to get them, when they are not there.</summary>
public sealed class ResNet18FactAttribute : FactAttribute
{
    public ResNet18FactAttribute()
    {
        if (ResNet18Files.Model is null || ResNet18Files.Preprocess is null) Skip = ResNet18Files.SkipReason;
    }
}
