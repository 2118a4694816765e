using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Training.Export;

/// <summary>
/// Export for inference: the model's inference form (no dropout, batch norm with moving statistics) with the
/// weights folded in as initializers, the runtime's metadata_props, and, when <see cref="ExportInfo.GradCamLayer"/> is
/// set, the Grad-CAM outputs of <see cref="ExplainOutputs"/> for that layer.
/// </summary>
public static class Exporter
{
    /// <summary>The exported graph of <paramref name="network"/> as <see cref="ExportInfo.For"/> describes it.</summary>
    public static Graph Build(Network network) => Build(network, ExportInfo.For(network));

    public static Graph Build(Network network, ExportInfo info)
    {
        var graph = network.Graph.Clone();
        StripForInference.Apply(graph, network.Masks.Select(m => m.Input));
        if (info.GradCamLayer is { } layer)
        {
            ExplainOutputs.Apply(graph, network.ValueOf(layer), network.Output);
            Prune.Apply(graph); // rules may emit input gradients nobody needs (the target layer's own ReLU)
        }
        foreach (var (k, v) in info.ToMetadata()) graph.Metadata[k] = v;
        foreach (var (k, v) in FileNetwork.Metadata(network)) graph.Metadata[k] = v;
        return graph;
    }

    /// <summary>Writes the exported model atomically (a failed write leaves an earlier file intact).</summary>
    public static void Save(Network network, string path) => Save(network, ExportInfo.For(network), path);

    public static void Save(Network network, ExportInfo info, string path) => OnnxModel.Save(Build(network, info), path);

    /// <summary>The graph value of a zoo layer's output ("block5_conv3" -> "block5_conv3/out").</summary>
    public static string LayerOutput(string layer) => layer + "/out";

    /// <summary>
    /// An exported graph (as <see cref="OnnxModel.Load"/> reads it) with its Grad-CAM outputs moved to
    /// <paramref name="layer"/>: the old explain outputs, their class input and the nodes only they used are dropped,
    /// then <see cref="ExplainOutputs"/> runs again. The metadata's gradcam_layer follows.
    /// </summary>
    public static Graph WithGradCamLayer(Graph exported, string layer)
    {
        var graph = exported.Clone();
        graph.Outputs.RemoveAll(o => o.Name.StartsWith("explain/", StringComparison.Ordinal));
        graph.Inputs.RemoveAll(i => i.Name == ExplainOutputs.ClassInput);
        graph.Initializers.RemoveAll(t => t.Name == ExplainOutputs.ClassInput);
        graph.Types.Remove(ExplainOutputs.ClassInput);
        Prune.Apply(graph);
        // a layer the export recorded ("block4_conv3"), a node or a value of the graph
        var network = FileNetwork.FromGraph(graph, graph.Name);
        var maps = network.FeatureMaps.ToList();
        string? value = maps.FirstOrDefault(l => l.Name == layer || l.Output == layer)?.Output
            ?? (graph.Types.TryGetValue(layer, out var t) && t.Rank == 4 ? layer : graph.Nodes.Find(n => n.Name == layer)?.Outputs[0]);
        if (value is null || !graph.Types.TryGetValue(value, out var type) || type.Rank != 4)
            throw new ModelException($"Grad-CAM layer '{layer}' is not a feature-map layer of this model. Expected one of: {string.Join(", ", maps.Select(l => l.Name))}.");
        try
        {
            ExplainOutputs.Apply(graph, value, graph.Metadata.TryGetValue(ExportInfo.Prefix + "output_name", out var o) ? o : ForwardGraph.OutputName);
            Prune.Apply(graph);
        }
        catch (ArgumentException e)
        {
            throw new ModelException(e.Message);
        }
        graph.Metadata[ExportInfo.Prefix + "gradcam_layer"] = layer;
        graph.Metadata[ExportInfo.Prefix + "explain_score"] = ExportInfo.ExplainScore;
        return graph;
    }
}
