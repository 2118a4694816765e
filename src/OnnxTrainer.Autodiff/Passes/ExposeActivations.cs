using System.Text.Json;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: makes feature maps graph outputs (seeds/003 listing 5.27's activation model) and names them for the runtime:
/// metadata <see cref="MetadataKey"/> lists [layer, value] pairs in order, which the runtime library's
/// ImageModel.ActivationLayers reads. The result's values map each layer to its value; values already outputs are
/// not added twice.
/// </summary>
public static class ExposeActivations
{
    /// <summary>The metadata key holding the JSON list of [layer, value] pairs.</summary>
    public const string MetadataKey = "onnx_trainer.activations";

    /// <summary>Adds each map's value as a graph output and records the pairs under <see cref="MetadataKey"/>; the result's values map layer to value.</summary>
    /// <param name="graph">The forward graph, changed in place.</param>
    /// <param name="maps">(layer name, value name) pairs in the order the runtime lists them.</param>
    /// <exception cref="ArgumentException">A value is not a float rank-4 value [N,K,h,w] of the graph.</exception>
    public static PassResult Apply(Graph graph, IReadOnlyList<(string Layer, string Value)> maps) => PassResult.Of(nameof(ExposeActivations), graph, () =>
    {
        ArgumentNullException.ThrowIfNull(maps);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (layer, value) in maps)
        {
            if (!graph.Types.TryGetValue(value, out var type) || type.Rank != 4 || type.Elem != ElementType.Float)
                throw new ArgumentException($"'{value}' (layer '{layer}') is not a feature map [N,K,h,w] of graph '{graph.Name}'.", nameof(maps));
            if (!graph.Outputs.Any(o => o.Name == value)) graph.Outputs.Add(new ValueInfo(value, type));
            values[layer] = value;
        }
        graph.Metadata[MetadataKey] = JsonSerializer.Serialize(values.Select(kv => new[] { kv.Key, kv.Value }));
        return values;
    });
}
