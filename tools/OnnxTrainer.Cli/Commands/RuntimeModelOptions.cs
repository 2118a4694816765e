using System.CommandLine;
using OnnxTrainer.Onnx.Files;
using OnnxTrainer.Runtime;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// The options of commands that run an exported model through the runtime library: MODEL.onnx [--device cpu|cuda]
/// [--threads N]. Usage: <c>var model = new RuntimeModelOptions(); model.AddTo(command); ... model.Load(parse)</c>.
/// </summary>
public sealed class RuntimeModelOptions
{
    public Argument<string> Path { get; } = new("MODEL.onnx") { Description = "A model exported by onnx-trainer (export or train)." };

    public Option<ExecutionDevice> Device { get; } = DeviceOption.Create();

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Intra-op threads (0: one per core).",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
        CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--threads", 0, 1024) ?? 0),
    };

    public void AddTo(Command command)
    {
        command.Add(Path);
        command.Add(Device);
        command.Add(Threads);
    }

    public ImageModelOptions Options(ParseResult parse, int maxBatchSize = 32) => new()
    {
        Device = parse.GetValue(Device),
        IntraOpThreads = parse.GetValue(Threads),
        MaxBatchSize = maxBatchSize,
    };

    /// <summary>Loads MODEL.onnx (or, when given, the bytes of a graph made from it).</summary>
    public ImageModel Load(ParseResult parse, byte[]? graph = null, int maxBatchSize = 32)
    {
        try
        {
            return graph is null ? ImageModel.Load(parse.GetRequiredValue(Path), Options(parse, maxBatchSize)) : ImageModel.Load(graph, Options(parse, maxBatchSize));
        }
        catch (NotSupportedException e)
        {
            throw new CliException(e.Message, e);
        }
    }

    /// <summary>
    /// Fails before any work when <paramref name="path"/> cannot be a file we write: a folder, a device, a FIFO, a link to
    /// one of those, a name that is not UTF-8, or a file in a missing folder (the checks of <see cref="SafeFile"/>, which every write repeats).
    /// </summary>
    public static void CheckWritableFile(string path, string option)
    {
        try
        {
            SafeFile.CheckTarget(path, option);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, e);
        }
    }
}
