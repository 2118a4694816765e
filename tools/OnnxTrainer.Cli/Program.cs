using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using OnnxTrainer.Cli.Commands;
using OnnxTrainer.Models;

namespace OnnxTrainer.Cli;

/// <summary>
/// onnx-trainer: parses, dispatches to one command per file under Commands/, and turns every user error into one
/// "error: ..." line on stderr with exit code 2.
/// </summary>
public static class Program
{
    /// <summary>Exit code of a command line that cannot be carried out (bad value, unknown name, unwritable file).</summary>
    public const int UsageError = 2;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// The commands; a new command is one file under Commands/ and one line here. The root is a plain Command named
    /// onnx-trainer (a RootCommand takes the host's name, which is "testhost" in tests or "dotnet" under some hosts).
    /// </summary>
    public static Command CreateRootCommand() => new("onnx-trainer", "Builds the convnets of Deep Learning with Python, chapter 5, as ONNX graphs.")
    {
        new HelpOption(),
        new VersionOption(),
        ModelsCommand.Create(),
        SummaryCommand.Create(),
        ExportCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        PredictCommand.Create(),
        GradCamCommand.Create(),
        Commands.Visualize.VisualizeCommand.Create(),
        Commands.Bench.BenchCommand.Create(),
        TransferDemoCommand.Create(),
        DataCommand.Create(),
        AugmentPreviewCommand.Create(),
        GpuCheckCommand.Create(),
    };

    /// <summary>Runs a command line with the given writers (Main uses the console; tests use string writers).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Action is ParseErrorAction)
            return Fail(stderr, string.Join("; ", parse.Errors.Select(e => e.Message)));
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ModelException or CliException or ArgumentException or FormatException or NotSupportedException
                                       or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            return Fail(stderr, e.Message);
        }
        catch (Training.Fitting.TrainingDivergedException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("error: " + string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)));
        return UsageError;
    }
}
