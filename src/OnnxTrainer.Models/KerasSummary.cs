using System.Globalization;
using System.Text;
using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Models;

/// <summary>
/// model.summary() as Keras 2 prints a sequential-like model: 65 columns, fields ending at 29, 55 and 65,
/// '_' between rows, '=' around the body, then the parameter totals with thousands separators.
/// </summary>
public static class KerasSummary
{
    private const int LineLength = 65;
    private static readonly int[] Positions = [29, 55, 65];

    public static string Render(Model model)
    {
        var rows = new List<(string Name, string Shape, long Params)>();
        if (model.FunctionalInput && model.BaseName is null)
            rows.Add(("input_1 (InputLayer)", KerasShape.Format(model.InputShape), 0));
        int start = 0;
        if (model.BaseName is not null)
        {
            var baseLayers = model.Placed.Take(model.BaseLayerCount).ToList();
            rows.Add(($"{model.BaseName} (Model)", KerasShape.Format(baseLayers[^1].Output), baseLayers.Sum(p => p.ParamCount)));
            start = model.BaseLayerCount;
        }
        foreach (var p in model.Placed.Skip(start))
            rows.Add(($"{p.Layer.Name} ({p.Layer.TypeName})", KerasShape.Format(p.Output), p.ParamCount));

        var sb = new StringBuilder();
        sb.Append(new string('_', LineLength)).Append('\n');
        Row(sb, "Layer (type)", "Output Shape", "Param #");
        sb.Append(new string('=', LineLength)).Append('\n');
        for (int i = 0; i < rows.Count; i++)
        {
            Row(sb, rows[i].Name, rows[i].Shape, rows[i].Params.ToString(CultureInfo.InvariantCulture));
            sb.Append(new string(i == rows.Count - 1 ? '=' : '_', LineLength)).Append('\n');
        }
        sb.Append("Total params: ").Append(Thousands(model.TotalParams)).Append('\n');
        sb.Append("Trainable params: ").Append(Thousands(model.TrainableParamCount)).Append('\n');
        sb.Append("Non-trainable params: ").Append(Thousands(model.NonTrainableParamCount)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Python's "{:,}" format: 16812353 -> "16,812,353".</summary>
    public static string Thousands(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    // Keras print_row: each field is cut to its column end and padded with spaces; a field that overflows
    // keeps its last character replaced by a space before the next field.
    private static void Row(StringBuilder sb, params string[] fields)
    {
        var line = new StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0 && line.Length > 0) line.Length -= 1;
            if (i > 0) line.Append(' ');
            line.Append(fields[i]);
            if (line.Length > Positions[i]) line.Length = Positions[i];
            line.Append(' ', Positions[i] - line.Length);
        }
        sb.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
