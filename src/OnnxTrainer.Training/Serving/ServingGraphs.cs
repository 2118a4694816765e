using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Training.Export;

namespace OnnxTrainer.Training.Serving;

/// <summary>
/// The graphs the runtime library is handed for one job, made in memory from an exported model: Grad-CAM on another
/// layer, the activation model of listing 5.27, the filter-visualization graph of listing 5.36. Layers are addressed as
/// everywhere else: a layer name the export recorded (block4_conv3), a node name or a value name.
/// </summary>
public static class ServingGraphs
{
    /// <summary>The exported model with its Grad-CAM outputs on <paramref name="layer"/> (see <see cref="Exporter.WithGradCamLayer"/>).</summary>
    public static Graph WithGradCam(string path, string layer) => Exporter.WithGradCamLayer(OnnxModel.Load(path), layer);

    /// <summary>The exported model with its first <paramref name="count"/> feature maps as outputs; returns their layer names.</summary>
    public static (Graph Graph, IReadOnlyList<string> Layers) WithActivations(string path, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var graph = OnnxModel.Load(path);
        var network = FileNetwork.FromGraph(graph, path);
        var maps = network.FeatureMaps.Take(count).Select(l => (l.Name, l.Output)).ToList();
        var result = ExposeActivations.Apply(graph, maps);
        return (graph, result.Values.Keys.ToList());
    }

    /// <summary>The filter-visualization graph of <paramref name="layer"/> at <paramref name="size"/> x <paramref name="size"/>; returns its feature-map value too.</summary>
    public static (Graph Graph, string Value) Filters(string path, string layer, int size)
    {
        var graph = OnnxModel.Load(path);
        var network = FileNetwork.FromGraph(graph, path);
        var maps = network.FeatureMaps.ToList();
        var map = maps.FirstOrDefault(l => l.Name == layer || l.Output == layer)
            ?? throw new ModelException($"--layer {layer}: not a feature-map layer of the model. Expected one of: {string.Join(", ", maps.Select(l => l.Name))}.");
        FilterGradient.Apply(graph, map.Output, size, size, network.Input.Name);
        return (graph, map.Output);
    }
}
