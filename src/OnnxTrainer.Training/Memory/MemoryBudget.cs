using System.Globalization;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Training.Memory;

/// <summary>
/// Refuses work that cannot fit before it allocates: a train or evaluation step whose graph needs more than the machine's
/// available memory (or --max-memory) at the batch size asked for, and parameters too large to allocate or to export.
/// Every refusal is one message with the estimate, the limit and what would fit.
/// </summary>
public static class MemoryBudget
{
    /// <summary>An .onnx file is one protobuf message, which cannot exceed 2 GiB.</summary>
    public const long MaxOnnxFileBytes = int.MaxValue;

    /// <summary>What ONNX Runtime itself takes besides the graph's values (library, threads, arena slack).</summary>
    public const long RuntimeOverheadBytes = 64L << 20;

    /// <summary>
    /// Checks that the step graphs fit at <paramref name="batchSize"/>: the train step (or evaluation step) plus, when given,
    /// the second session built beside it. <paramref name="what"/> names the work, for example "the train step of mnist-convnet".
    /// </summary>
    /// <exception cref="ArgumentException">The estimate exceeds the limit; the message gives the largest batch size that fits.</exception>
    public static void CheckStep(string what, int batchSize, long? maxMemory, Graph graph, Graph? besides = null)
    {
        var main = GraphMemory.Of(graph);
        var other = besides is null ? null : GraphMemory.Of(besides);
        double Need(long n) => main.BytesAt(n) + (other?.BytesAt(n) ?? 0) + RuntimeOverheadBytes;
        var (limit, source) = Limit(maxMemory);
        if (limit is null || Need(batchSize) <= limit) return;
        long fits = 0;
        if (Need(1) <= limit)
        {
            long lo = 1, hi = batchSize;
            while (hi - lo > 1)
            {
                long mid = lo + (hi - lo) / 2;
                if (Need(mid) <= limit) lo = mid;
                else hi = mid;
            }
            fits = lo;
        }
        double perExample = (Need(batchSize) - Need(0)) / batchSize;
        throw new ArgumentException(
            $"{what} at --batch-size {batchSize} needs about {Size(Need(batchSize))} (parameters, optimizer slots and runtime {Size(Need(0))}, " +
            $"activations and gradients {Size(perExample)} per example), but {source} {Size(limit.Value)}; " +
            (fits > 0 ? $"the largest batch size that fits is {fits}." : "not even batch size 1 fits."));
    }

    /// <summary>
    /// Checks, before any weight is allocated, that parameters of these element counts can be allocated and held
    /// (each tensor is one .NET array; all of them, with ONNX Runtime's copy, must fit the limit).
    /// </summary>
    /// <exception cref="ArgumentException">A tensor or the total is too large.</exception>
    public static void CheckParameters(string model, IEnumerable<(string Name, long Count)> parameters, long? maxMemory = null)
    {
        var list = parameters.ToList();
        foreach (var (name, count) in list)
            if (count > Array.MaxLength)
                throw new ArgumentException(
                    $"Model '{model}': parameter '{name}' would hold {count:N0} values; one tensor holds at most {Array.MaxLength:N0}. Choose a smaller --input-shape or --classes.");
        double bytes = 2.0 * 4 * list.Sum(p => (double)p.Count); // our copy and ONNX Runtime's, 4 bytes a float
        var (limit, source) = Limit(maxMemory);
        if (limit is not null && bytes > limit)
            throw new ArgumentException(
                $"Model '{model}' has {list.Sum(p => p.Count):N0} parameters: about {Size(bytes)} with ONNX Runtime's copy, but {source} {Size(limit.Value)}. Choose a smaller --input-shape or --classes.");
    }

    /// <summary>Checks that parameters of these element counts fit in one .onnx file (2 GiB), before they are allocated.</summary>
    /// <exception cref="ArgumentException">The file could not hold them.</exception>
    public static void CheckExport(string model, IEnumerable<(string Name, long Count)> parameters)
    {
        var list = parameters.ToList();
        CheckParameters(model, list);
        double bytes = 4.0 * list.Sum(p => (double)p.Count);
        if (bytes > MaxOnnxFileBytes)
            throw new ArgumentException(
                $"Model '{model}' has {list.Sum(p => p.Count):N0} parameters ({Size(bytes)} of weights); an .onnx file holds at most 2 GiB (protobuf's limit). Choose a smaller --input-shape or --classes.");
    }

    /// <summary>The limit in force and how to name it: --max-memory when given (and below what is available), else MemAvailable.</summary>
    public static (double? Bytes, string Source) Limit(long? maxMemory)
    {
        long? available = AvailableMemory.Bytes();
        if (maxMemory is { } max && (available is null || max <= available))
            return (max, "--max-memory allows");
        return (available, "the machine has available (MemAvailable)");
    }

    /// <summary>"1.5 GiB", "230.0 MiB", "12.0 KiB", "100 bytes".</summary>
    public static string Size(double bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 10):0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} bytes"),
    };

    /// <summary>Parses a --max-memory value: bytes, or a number with K, M, G or T (powers of 1024), for example 512M or 1.5G.</summary>
    /// <exception cref="FormatException">Not such a value, or not positive.</exception>
    public static long ParseSize(string text, string option = "--max-memory")
    {
        string t = text.Trim();
        double scale = 1;
        if (t.Length > 0 && char.ToUpperInvariant(t[^1]) is 'K' or 'M' or 'G' or 'T' && t.Length > 1)
        {
            scale = Math.Pow(1024, "KMGT".IndexOf(char.ToUpperInvariant(t[^1])) + 1);
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v) || !(v * scale >= 1) || v * scale > long.MaxValue)
            throw new FormatException($"{option} expects a size in bytes, or with K, M, G or T (for example 512M or 4G), got '{text}'.");
        return (long)(v * scale);
    }
}
