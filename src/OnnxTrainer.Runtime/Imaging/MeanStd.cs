namespace OnnxTrainer.Runtime.Imaging;

/// <summary>Mean and population standard deviation of a tensor's values (numpy's x.mean(), x.std()).</summary>
internal static class MeanStd
{
    public static (double Mean, double Std) Of(ReadOnlySpan<float> values)
    {
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= values.Length;
        double variance = 0;
        foreach (var v in values) variance += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(variance / values.Length));
    }
}
