using System.Text.Json;

namespace OnnxTrainer.Training.Fitting;

/// <summary>Keras History: one value per epoch under "loss", "acc", "val_loss", "val_acc" (and "lr").</summary>
public sealed class History
{
    public SortedDictionary<string, List<double>> Values { get; } = new(StringComparer.Ordinal);

    public int Epochs => Values.TryGetValue("loss", out var l) ? l.Count : 0;

    public void Add(string key, double value)
    {
        if (!Values.TryGetValue(key, out var list)) Values[key] = list = [];
        list.Add(value);
    }

    public IReadOnlyList<double> this[string key] => Values.TryGetValue(key, out var l) ? l : [];

    public string ToJson() => JsonSerializer.Serialize(Values, new JsonSerializerOptions { WriteIndented = true });

    public static History FromJson(string json)
    {
        var h = new History();
        var values = JsonSerializer.Deserialize<Dictionary<string, List<double>>>(json)
            ?? throw new InvalidDataException("History JSON is empty.");
        foreach (var (k, v) in values) h.Values[k] = v ?? throw new InvalidDataException($"History key '{k}' holds null; expected a list of numbers.");
        return h;
    }

    /// <summary>Keeps only the first <paramref name="epochs"/> epochs (resuming from a checkpoint).</summary>
    public void Truncate(int epochs)
    {
        foreach (var list in Values.Values)
            if (list.Count > epochs) list.RemoveRange(epochs, list.Count - epochs);
    }
}
