using OnnxTrainer.Models;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Training.Export;

/// <summary>
/// Export for inference: the model's inference form (no dropout, batch norm with moving statistics) with the
/// weights folded in as initializers and the runtime's metadata_props.
/// </summary>
public static class Exporter
{
    public static Graph Build(Model model, Weights weights, ExportInfo info)
    {
        var graph = ForwardGraph.Build(model, weights, training: false).Graph;
        foreach (var (k, v) in info.ToMetadata()) graph.Metadata[k] = v;
        return graph;
    }

    /// <summary>Writes the exported model atomically (a failed write leaves an earlier file intact).</summary>
    public static void Save(Model model, Weights weights, ExportInfo info, string path) =>
        OnnxModel.Save(Build(model, weights, info), path);
}
