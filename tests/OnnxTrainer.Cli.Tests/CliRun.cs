namespace OnnxTrainer.Cli.Tests;

/// <summary>One in-process run of onnx-trainer: exit code and what it printed.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = Program.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts success with nothing on stderr.</summary>
    public CliRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}, stderr: {Stderr}");
        Assert.Equal("", Stderr);
        return this;
    }
}

/// <summary>A temporary folder, deleted after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("onnx-trainer-cli-").FullName;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Every file and folder below, relative, sorted.</summary>
    public IReadOnlyList<string> Contents() =>
        Directory.GetFileSystemEntries(Path, "*", SearchOption.AllDirectories).Select(p => System.IO.Path.GetRelativePath(Path, p)).Order().ToList();

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
