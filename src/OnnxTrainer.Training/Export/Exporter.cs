using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Training.Export;

/// <summary>
/// Export for inference: the model's inference form (no dropout, batch norm with moving statistics) with the
/// weights folded in as initializers, the runtime's metadata_props, and, when <see cref="ExportInfo.GradCamLayer"/> is
/// set, the Grad-CAM outputs of <see cref="ExplainOutputs"/> for that layer.
/// </summary>
public static class Exporter
{
    public static Graph Build(Model model, Weights weights, ExportInfo info)
    {
        var graph = ForwardGraph.Build(model, weights, training: false).Graph;
        if (info.GradCamLayer is { } layer)
        {
            model.Layer(layer); // a ModelException naming the layers when it does not exist
            ExplainOutputs.Apply(graph, LayerOutput(layer), ForwardGraph.OutputName);
        }
        foreach (var (k, v) in info.ToMetadata()) graph.Metadata[k] = v;
        return graph;
    }

    /// <summary>Writes the exported model atomically (a failed write leaves an earlier file intact).</summary>
    public static void Save(Model model, Weights weights, ExportInfo info, string path) =>
        OnnxModel.Save(Build(model, weights, info), path);

    /// <summary>The graph value of a layer's output ("block5_conv3" -> "block5_conv3/out").</summary>
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
        string value = LayerOutput(layer);
        if (!graph.Types.TryGetValue(value, out var type) || type.Rank != 4)
        {
            var layers = ExposeActivations.LayerOutputs(graph).Select(v => v[..^4]);
            throw new ModelException($"Grad-CAM layer '{layer}' is not a feature-map layer of this model. Expected one of: {string.Join(", ", layers)}.");
        }
        try
        {
            ExplainOutputs.Apply(graph, value, graph.Metadata.TryGetValue(ExportInfo.Prefix + "output_name", out var o) ? o : ForwardGraph.OutputName);
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
