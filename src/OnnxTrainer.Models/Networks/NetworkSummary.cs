using System.Globalization;
using System.Text;

namespace OnnxTrainer.Models.Networks;

/// <summary>
/// A Keras-like summary of any network: one row per named layer (an imported graph's node, or a zoo layer) with its
/// op, output shape as the graph has it (NCHW, None for the batch), parameters and whether they train, then the three
/// totals Keras prints.
/// </summary>
public static class NetworkSummary
{
    public static string Render(Network network)
    {
        var roles = network.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var rows = network.Layers.Select(l =>
        {
            var dims = network.Graph.Types.TryGetValue(l.Output, out var t) ? t.Dims : [];
            string shape = "(" + string.Join(", ", dims.Select((d, i) => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")";
            var ps = l.Params.Where(roles.ContainsKey).Select(p => roles[p]).ToList();
            string trainable = ps.Count == 0 ? "" : ps.Any(p => p.Role == ParameterRole.Trainable) ? (ps.All(p => p.Role != ParameterRole.Frozen) ? "yes" : "partly") : "no";
            return (Name: $"{l.Name} ({l.Kind})", Shape: shape, Params: ps.Sum(p => p.Count), Trainable: trainable);
        }).ToList();
        int nameWidth = Math.Max(30, rows.Select(r => r.Name.Length + 2).DefaultIfEmpty(0).Max());
        int shapeWidth = Math.Max(22, rows.Select(r => r.Shape.Length + 2).DefaultIfEmpty(0).Max());
        int width = nameWidth + shapeWidth + 12 + 9;
        var sb = new StringBuilder();
        void Row(string a, string b, string c, string d) =>
            sb.Append((a.PadRight(nameWidth) + b.PadRight(shapeWidth) + c.PadLeft(12) + "  " + d).TrimEnd()).Append('\n');
        sb.Append(new string('_', width)).Append('\n');
        Row("Layer (type)", "Output Shape", "Param #", "Trainable");
        sb.Append(new string('=', width)).Append('\n');
        Row($"{network.Input.Name} (Input, {network.Input.Preprocessing})", "(None, " + string.Join(", ", network.Input.ExampleDims) + ")", "0", "");
        foreach (var r in rows) Row(r.Name, r.Shape, r.Params.ToString(CultureInfo.InvariantCulture), r.Trainable);
        sb.Append(new string('=', width)).Append('\n');
        sb.Append("Total params: ").Append(KerasSummary.Thousands(network.ParamCount)).Append('\n');
        sb.Append("Trainable params: ").Append(KerasSummary.Thousands(network.TrainableParamCount)).Append('\n');
        sb.Append("Non-trainable params: ").Append(KerasSummary.Thousands(network.NonTrainableParamCount)).Append('\n');
        return sb.ToString();
    }
}
