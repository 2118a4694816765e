using System.CommandLine;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer export: a zoo model with freshly initialized weights as an .onnx file (inference form).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var seed = new Option<long>("--seed")
        {
            Description = "Seed of the glorot-uniform initialization (same seed, same file).",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
            CustomParser = r => ModelOptions.ParseNumber(r, "--seed", long.MinValue, long.MaxValue) ?? 0,
        };
        var output = new Option<string>("--out")
        {
            Description = "The .onnx file to write (replaced atomically if it exists).",
            HelpName = "FILE.onnx",
            Required = true,
        };
        var command = new Command("export", "Write a model with initialized weights as an ONNX file.");
        model.AddTo(command);
        command.Add(seed);
        command.Add(output);
        command.SetAction(parse =>
        {
            string path = Path.GetFullPath(parse.GetRequiredValue(output));
            CheckWritable(path);
            var m = model.Build(parse);
            long s = parse.GetValue(seed);
            var graph = ForwardGraph.Build(m, Weights.Initialize(m, s), training: false).Graph;
            string name = model.ZooName(parse);
            foreach (var (k, v) in Metadata(name, m)) graph.Metadata[k] = v;
            try
            {
                OnnxModel.Save(graph, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--out expects a writable file path; cannot write '{path}': {e.Message}", e);
            }
            parse.InvocationConfiguration.Output.WriteLine(
                $"Wrote {path}: {name}, {KerasSummary.Thousands(m.TotalParams)} parameters, input ({string.Join(", ", m.InputShape)}) as NCHW, seed {s}.");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The metadata_props the runtime reads (keys "onnx_trainer.*"): the zoo name (MODEL or MODEL+HEAD, which
    /// Zoo.Build accepts back), the Keras input shape, the layout and the output activation. Minimal for now; the
    /// training library's export adds class names, preprocessing and the Grad-CAM layer.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Metadata(string zooName, Model model) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["onnx_trainer.model"] = zooName,
        ["onnx_trainer.input_shape"] = string.Join(",", model.InputShape),
        ["onnx_trainer.layout"] = "NCHW",
        ["onnx_trainer.output_activation"] = model.OutputActivation.ToString().ToLowerInvariant(),
    };

    /// <summary>Fails before any work when the path cannot be a file we write: a folder, or in a folder that does not exist.</summary>
    private static void CheckWritable(string path)
    {
        if (Directory.Exists(path))
            throw new CliException($"--out expects a file path; '{path}' is a folder.");
        string? folder = Path.GetDirectoryName(path);
        if (folder is not null && !Directory.Exists(folder))
            throw new CliException($"--out expects a file in an existing folder; folder '{folder}' does not exist.");
    }
}
