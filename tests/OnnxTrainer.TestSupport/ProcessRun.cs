using System.Diagnostics;

namespace OnnxTrainer.TestSupport;

/// <summary>
/// One child process (dotnet build, an installed tool, a packed sample app): exit code and its output, stdout and stderr
/// interleaved as they came. The child does not inherit the MSBuild variables of the test host, and is killed (with its
/// children) when it outlives <c>timeout</c>.
/// </summary>
public sealed record ProcessRun(int ExitCode, string Output)
{
    public static ProcessRun Of(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        // dotnet test runs us with MSBuild's own variables set; a nested dotnet build must find its SDK by itself.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;

        var output = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}; output so far:\n{output}");
        }
        process.WaitForExit(); // drains the output events
        lock (output) return new ProcessRun(process.ExitCode, output.ToString());
    }

    /// <summary>Asserts exit code 0, showing the output otherwise.</summary>
    public ProcessRun Succeeded()
    {
        Xunit.Assert.True(ExitCode == 0, $"exit code {ExitCode}:\n{Output}");
        return this;
    }
}
