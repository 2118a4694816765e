namespace OnnxTrainer.TestSupport;

/// <summary>
/// README.md examples are files that tests compile and run; the README quotes each one verbatim in a code block right
/// after a line <c>&lt;!-- path/of/the/file.cs --&gt;</c>. This checks that the quote and the file are the same.
/// </summary>
public static class ReadmeQuote
{
    public static void Verify(string relativeFile, string language = "csharp")
    {
        string root = Approval.RepoRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string code = File.ReadAllText(Path.Combine(root, relativeFile)).TrimEnd();
        string marker = $"<!-- {relativeFile} -->";
        int at = readme.IndexOf(marker, StringComparison.Ordinal);
        Xunit.Assert.True(at >= 0, $"README.md has no '{marker}' line before the example's code block.");
        string fence = $"```{language}\n";
        int start = readme.IndexOf(fence, at, StringComparison.Ordinal) + fence.Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        Xunit.Assert.Equal(code, readme[start..end]);
    }
}
