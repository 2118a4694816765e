using System.CommandLine;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Files;
using OnnxTrainer.Training.Serving;
using OnnxTrainer.Runtime;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// The options of commands that run an exported model through the runtime library: MODEL.onnx [--device cpu|cuda]
/// [--threads N]. Usage: <c>var model = new RuntimeModelOptions(); model.AddTo(command); ... model.Load(parse)</c>.
/// </summary>
public sealed class RuntimeModelOptions
{
    public Argument<string> Path { get; } = new("MODEL.onnx")
    {
        Description = "A model exported by onnx-trainer (export or train), or any ONNX image classifier (then give --input-shape, --preprocessing and --class-names as it needs).",
    };

    public Option<long[]?> InputShape { get; } = new("--input-shape")
    {
        Description = "For an ONNX classifier from elsewhere: the input height, width and channels to serve it at (default: the file's).",
        HelpName = "H,W,C",
        CustomParser = ModelOptions.ParseShape,
    };

    public Option<string?> Layout { get; } = new("--layout")
    {
        Description = "For an ONNX classifier from elsewhere: NCHW or NHWC, the layout its input is in (checked against the file; NHWC is transposed).",
        HelpName = "NCHW|NHWC",
    };

    public Option<string?> Preprocessing { get; } = new("--preprocessing")
    {
        Description = "For an ONNX classifier from elsewhere: rescale, caffe, torch, none (default) or a preprocessing graph FILE.onnx, put in front of it.",
        HelpName = "NAME",
    };

    public Option<string?> ClassNames { get; } = new("--class-names")
    {
        Description = "For an ONNX classifier from elsewhere: its class names, A,B,... or a text file with one per line.",
        HelpName = "FILE|A,B,...",
    };

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
        command.Add(InputShape);
        command.Add(Layout);
        command.Add(Preprocessing);
        command.Add(ClassNames);
    }

    public ImageModelOptions Options(ParseResult parse, int maxBatchSize = 32) => new()
    {
        Device = parse.GetValue(Device),
        IntraOpThreads = parse.GetValue(Threads),
        MaxBatchSize = maxBatchSize,
    };

    /// <summary>The graph served for MODEL.onnx: an export as it is, another classifier made servable (see <see cref="ServingGraphs.Open"/>).</summary>
    public Graph Graph(ParseResult parse)
    {
        var names = parse.GetValue(ClassNames) is { } text
            ? (File.Exists(text) ? File.ReadAllLines(text) : text.Split(',')).Select(n => n.Trim()).Where(n => n.Length > 0).ToList()
            : null;
        return ServingGraphs.Open(parse.GetRequiredValue(Path), new ForeignModelOptions
        {
            InputShape = parse.GetResult(InputShape) is null ? null : parse.GetValue(InputShape),
            Layout = parse.GetValue(Layout),
            Preprocessing = parse.GetValue(Preprocessing) ?? "none",
            ClassNames = names,
        });
    }

    /// <summary>Loads MODEL.onnx (made servable when it comes from elsewhere), or, when given, the bytes of a graph made from it.</summary>
    public ImageModel Load(ParseResult parse, byte[]? graph = null, int maxBatchSize = 32)
    {
        try
        {
            if (graph is not null) return ImageModel.Load(graph, Options(parse, maxBatchSize));
            string path = parse.GetRequiredValue(Path);
            // an export loads from its file as it is (so messages name the file); another classifier from the graph made for it
            return ServingGraphs.IsExport(path)
                ? ImageModel.Load(path, Options(parse, maxBatchSize))
                : ImageModel.Load(OnnxModel.ToBytes(Graph(parse)), Options(parse, maxBatchSize));
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
