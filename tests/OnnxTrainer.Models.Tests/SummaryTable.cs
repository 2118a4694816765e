using System.Globalization;
using System.Text.RegularExpressions;

namespace OnnxTrainer.Models.Tests;

/// <summary>One row of a Keras summary() table: "name (Type)", output shape, parameter count.</summary>
public sealed record SummaryRow(string Layer, string Shape, long Params);

/// <summary>A summary() table read back from its text: the rows and the three totals.</summary>
public sealed partial record SummaryTable(IReadOnlyList<SummaryRow> Rows, long Total, long Trainable, long NonTrainable)
{
    // Keras' print_row cuts the first field at column 29 and then overwrites its last character with the space
    // that starts the next field, so at most 28 characters of "name (Type)" are visible.
    public const int VisibleLayerChars = 28;

    public static string Visible(string layer) => layer.Length <= VisibleLayerChars ? layer : layer[..VisibleLayerChars];

    public static SummaryTable Parse(string text)
    {
        var lines = text.Split('\n');
        var rows = new List<SummaryRow>();
        long? total = null, trainable = null, nonTrainable = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("Total params: ", StringComparison.Ordinal)) total = Number(line);
            else if (line.StartsWith("Trainable params: ", StringComparison.Ordinal)) trainable = Number(line);
            else if (line.StartsWith("Non-trainable params: ", StringComparison.Ordinal)) nonTrainable = Number(line);
            else if (line.Length > 55 && line.StartsWith("Layer (type)", StringComparison.Ordinal) is false && line[0] is not ('_' or '='))
                rows.Add(new SummaryRow(line[..29].TrimEnd(), line[29..55].TrimEnd(), long.Parse(line[55..].Trim(), CultureInfo.InvariantCulture)));
        }
        return new SummaryTable(rows,
            total ?? throw new FormatException("no Total params line"),
            trainable ?? throw new FormatException("no Trainable params line"),
            nonTrainable ?? throw new FormatException("no Non-trainable params line"));
    }

    private static long Number(string line)
    {
        var m = TotalPattern().Match(line);
        Assert.True(m.Success, $"'{line}' does not end with a number with thousands separators");
        return long.Parse(m.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@": (\d{1,3}(?:,\d{3})*)$")]
    private static partial Regex TotalPattern();
}
