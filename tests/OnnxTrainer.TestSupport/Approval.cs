using Xunit;
namespace OnnxTrainer.TestSupport;

/// <summary>
/// Approval files: compares text with a committed file and fails on any difference. With the environment variable
/// ONNXTRAINER_APPROVE=1 it (re)writes the file instead, on purpose.
/// </summary>
public static class Approval
{
    public const string Variable = "ONNXTRAINER_APPROVE";

    public static bool Approving => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>
    /// The repository root: the nearest folder holding OnnxTrainer.sln above this source file (so it is found
    /// wherever the build output goes).
    /// </summary>
    public static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OnnxTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException("OnnxTrainer.sln not found above " + sourceFile);
    }

    public static void Verify(string relativePath, string actual)
    {
        string path = Path.Combine(RepoRoot(), relativePath);
        if (Approving)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"Approved file {relativePath} is missing; run the tests with {Variable}=1 to write it, then review it.");
        string expected = File.ReadAllText(path);
        if (expected == actual) return;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line]) line++;
        Assert.Fail($"{relativePath} differs at line {line + 1}:\n  approved: {(line < e.Length ? e[line] : "<end>")}\n  actual:   {(line < a.Length ? a[line] : "<end>")}\n" +
                    $"If the change is intended, rerun with {Variable}=1 and review the diff.");
    }
}
