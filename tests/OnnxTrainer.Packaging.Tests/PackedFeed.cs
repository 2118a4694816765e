using System.Text.RegularExpressions;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Packaging.Tests;

/// <summary>
/// The local feed of packed packages, made once per test run: ONNXTRAINER_FEED when set (tools/test.sh packs before
/// testing), else tools/pack.sh runs on first use (about a minute on 2 cores).
/// </summary>
public static partial class PackedFeed
{
    public const string Variable = "ONNXTRAINER_FEED";

    private static readonly Lazy<string> Folder = new(Make, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The feed folder (absolute), holding every package of <see cref="Version"/>.</summary>
    public static string Path => Folder.Value;

    /// <summary>The one version of every package: Directory.Build.props' &lt;Version&gt;.</summary>
    public static string Version { get; } = VersionElement().Match(File.ReadAllText(System.IO.Path.Combine(Approval.RepoRoot(), "Directory.Build.props"))).Groups[1].Value;

    private static string Make()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            Assert.True(File.Exists(System.IO.Path.Combine(given, $"OnnxTrainer.Cli.{Version}.nupkg")), $"{Variable}={given} holds no OnnxTrainer.Cli.{Version}.nupkg");
            return System.IO.Path.GetFullPath(given);
        }
        string root = Approval.RepoRoot();
        var run = ProcessRun.Of("bash", [System.IO.Path.Combine(root, "tools", "pack.sh")], root, TimeSpan.FromMinutes(20)).Succeeded();
        return run.Output.TrimEnd().Split('\n')[^1];
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();
}
