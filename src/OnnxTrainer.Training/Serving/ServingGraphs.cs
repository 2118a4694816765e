using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Import;
using OnnxTrainer.Training.Export;

namespace OnnxTrainer.Training.Serving;

/// <summary>
/// The graphs the runtime library is handed for one job, made in memory from an exported model: Grad-CAM on another
/// layer, the activation model of listing 5.27, the filter-visualization graph of listing 5.36. Layers are addressed as
/// everywhere else: a layer name the export recorded (block4_conv3), a node name or a value name.
/// </summary>
public static class ServingGraphs
{
    /// <summary>
    /// The graph the runtime serves for <paramref name="path"/>: an onnx-trainer export as it is; any other ONNX classifier
    /// imported (see <see cref="OnnxImporter"/>), with a softmax (or sigmoid for one unit) added when it outputs raw
    /// scores, the preprocessing of <paramref name="foreign"/> in front, Grad-CAM outputs on its last feature map wider
    /// than 1x1, and the metadata an export carries. A model whose output is not a vector of class scores is refused.
    /// </summary>
    public static Graph Open(string path, ForeignModelOptions? foreign = null)
    {
        var graph = OnnxModel.Load(path);
        if (graph.Metadata.ContainsKey(FileNetwork.Prefix + "model")) return graph;
        var o = foreign ?? new ForeignModelOptions();
        ImportedModel imported;
        try
        {
            imported = OnnxImporter.Import(path, new ImportOptions
            {
                Height = o.InputShape is { } s ? (int)s[0] : null,
                Width = o.InputShape is { } w ? (int)w[1] : null,
                GlobalPooling = o.InputShape is not null,
                GlobalPoolingHint = "--input-shape (another size turns it into global pooling)",
                CutHint = "train or export with --cut VALUE and a --head",
            });
        }
        catch (ImportException e)
        {
            throw new ModelException(e.Message);
        }
        if (o.InputShape is { } shape && shape[2] != imported.Channels)
            throw new ModelException($"--input-shape {string.Join(",", shape)}: '{path}' takes {imported.Channels} channel(s).");
        string layout = imported.FileLayout == ImageLayout.Nhwc ? "NHWC" : "NCHW";
        if (o.Layout is { } l && !string.Equals(l, layout, StringComparison.OrdinalIgnoreCase))
            throw new ModelException($"--layout {l}: the input '{imported.InputName}' of '{path}' is {layout}.");
        var network = FileNetwork.FromGraph(imported.Graph, Path.GetFileNameWithoutExtension(path));
        var type = network.Graph.TypeOf(network.Output);
        if (type.Rank != 2 || type.Dims[1] < 1)
            throw new ModelException($"'{path}': its output '{network.Output}' is {type}, not a vector of class scores [N,K]; predict, gradcam and visualize need a classifier " +
                                     "(train or export it with --cut VALUE and a --head to make one).");
        if (network.OutputKind == OutputKind.Linear) network = WithProbabilities(network);
        network = o.Preprocessing.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? InputPreprocessing.Prepend(network, Path.GetFileName(o.Preprocessing), Import(o.Preprocessing, network))
            : InputPreprocessing.Prepend(network, PreprocessingGraph.Parse(o.Preprocessing).Name());
        return Exporter.Build(network with { ClassNames = o.ClassNames ?? [] });
    }

    /// <summary>True when <paramref name="path"/> is an onnx-trainer export (it carries the metadata the runtime reads); false for any other file, including one that is not ONNX.</summary>
    public static bool IsExport(string path)
    {
        try
        {
            return OnnxModel.Load(path).Metadata.ContainsKey(FileNetwork.Prefix + "model");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException or ArgumentException)
        {
            return true; // let the runtime library say what is wrong with the file, as it always did
        }
    }

    /// <summary>The served model (see <see cref="Open"/>) with its Grad-CAM outputs on <paramref name="layer"/> (see <see cref="Exporter.WithGradCamLayer"/>).</summary>
    public static Graph WithGradCam(Graph served, string layer) => Exporter.WithGradCamLayer(served, layer);

    /// <summary>The served model with its first <paramref name="count"/> feature maps as outputs; returns their layer names.</summary>
    public static (Graph Graph, IReadOnlyList<string> Layers) WithActivations(Graph served, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var graph = served.Clone();
        var network = FileNetwork.FromGraph(graph, graph.Name);
        var maps = network.FeatureMaps.Take(count).Select(l => (l.Name, l.Output)).ToList();
        var result = ExposeActivations.Apply(graph, maps);
        return (graph, result.Values.Keys.ToList());
    }

    /// <summary>The filter-visualization graph of <paramref name="layer"/> at <paramref name="size"/> x <paramref name="size"/>; returns its feature-map value too.</summary>
    public static (Graph Graph, string Value) Filters(Graph served, string layer, int size)
    {
        var graph = served.Clone();
        var network = FileNetwork.FromGraph(graph, graph.Name);
        var maps = network.FeatureMaps.ToList();
        var map = maps.FirstOrDefault(l => l.Name == layer || l.Output == layer)
            ?? throw new ModelException($"--layer {layer}: not a feature-map layer of the model. Expected one of: {string.Join(", ", maps.Select(l => l.Name))}.");
        FilterGradient.Apply(graph, map.Output, size, size, network.Input.Name);
        return (graph, map.Output);
    }

    /// <summary>A raw-score classifier with its probabilities as the output: softmax over K scores, or a sigmoid of one.</summary>
    private static Network WithProbabilities(Network network)
    {
        var graph = network.Graph.Clone();
        graph.Outputs.Clear();
        var b = new GraphBuilder(graph);
        bool sigmoid = network.Units == 1;
        string output = sigmoid
            ? b.Op("Sigmoid", [network.Output], b.Fresh("probabilities"))
            : b.Op("Softmax", [network.Output], b.Fresh("probabilities"), GraphBuilder.A("axis", 1L));
        b.Output(output);
        return network with
        {
            Graph = graph,
            Output = output,
            Logits = network.Output,
            OutputKind = sigmoid ? OutputKind.Sigmoid : OutputKind.Softmax,
            // now a classifier: Grad-CAM on its last feature map wider than 1x1
            GradCamLayer = network.FeatureMaps.LastOrDefault(l => graph.TypeOf(l.Output).Dims is [_, _, var h, var w] && h * w > 1)?.Name,
        };
    }

    private static Graph Import(string preprocessing, Network network)
    {
        if (!File.Exists(preprocessing)) throw new ModelException($"--preprocessing file '{preprocessing}' does not exist.");
        try
        {
            return OnnxImporter.Import(preprocessing, new ImportOptions { Height = (int)network.Input.ExampleDims[1], Width = (int)network.Input.ExampleDims[2] }).Graph;
        }
        catch (ImportException e)
        {
            throw new ModelException(e.Message);
        }
    }
}
