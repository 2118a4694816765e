using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Networks;

/// <summary>
/// A zoo head (Keras layers) put on any network's output: on an imported graph cut at a value (--cut), as the zoo puts
/// heads on its bases. The head's weights are initialized as Keras does (glorot-uniform kernels, zero biases, seeded
/// per tensor name).
/// </summary>
public static class HeadOnNetwork
{
    public static Network Append(Network network, string headName, IReadOnlyList<Layer> head, long seed)
    {
        var type = network.Graph.TypeOf(network.Output);
        long[] shape = type.Rank switch
        {
            4 => [type.Dims[2], type.Dims[3], type.Dims[1]], // Keras (H, W, C)
            2 => [type.Dims[1]],
            _ => throw new ModelException($"A head goes on a feature map [N,C,H,W] or a vector [N,F]; '{network.Output}' is {type}. Cut at another value (--cut)."),
        };
        if (shape.Any(d => d <= 0))
            throw new ModelException($"A head needs the static shape of '{network.Output}', got {type}.");
        var graph = network.Graph.Clone();
        graph.Outputs.Clear();
        var b = new GraphBuilder(graph);
        var ctx = new EmitContext(b, training: true);
        var layers = network.Layers.ToList();
        var parameters = network.Parameters.ToList();
        string x = network.Output;
        foreach (var layer in head)
        {
            if (graph.Types.ContainsKey(layer.Name + "/out") || layers.Any(l => l.Name == layer.Name))
                throw new ModelException($"Head layer '{layer.Name}' clashes with a name of network '{network.Name}'.");
            long[] output;
            IReadOnlyList<ParamSpec> specs;
            try
            {
                output = layer.OutputShape(shape);
                specs = layer.Params(shape);
            }
            catch (ModelException e)
            {
                throw new ModelException($"Head '{headName}' on '{network.Output}' {type}: {e.Message}");
            }
            foreach (var p in specs)
            {
                b.Initializer(Weights.InitialValue(p, seed));
                parameters.Add(new NetworkParameter(p.Name, p.Dims, p.Trainable ? ParameterRole.Trainable : ParameterRole.State, layer.Name));
            }
            int first = graph.Nodes.Count;
            string input = x;
            x = layer.Emit(ctx, x, shape);
            layers.Add(new NamedLayer(layer.Name, layer.TypeName, graph.Nodes.Count > first ? graph.Nodes[first].Name : "", input, x,
                specs.Select(p => p.Name).ToList(), layer is Dense d ? d.Activation.ToString().ToLowerInvariant() : "linear"));
            shape = output;
        }
        string outputName = b.Fresh(ForwardGraph.OutputName);
        b.Op("Identity", [x], outputName);
        b.Output(outputName);
        var kind = ctx.LastActivation switch
        {
            Activation.Softmax => OutputKind.Softmax,
            Activation.Sigmoid => OutputKind.Sigmoid,
            _ => OutputKind.Linear,
        };
        return network with
        {
            Name = $"{network.Name}+{headName}",
            Graph = graph,
            Output = outputName,
            OutputKind = kind,
            Logits = ctx.LastLogits,
            Layers = layers,
            Parameters = parameters,
            Masks = [.. network.Masks, .. ctx.Masks],
            StateUpdates = [.. network.StateUpdates, .. ctx.StateUpdates],
            HeadStart = head[0].Name,
            GradCamLayer = kind == OutputKind.Linear ? null
                : network.FeatureMaps.LastOrDefault(l => graph.TypeOf(l.Output).Dims is [_, _, var h, var w] && h * w > 1)?.Name,
        };
    }
}
