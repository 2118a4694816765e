using System.Globalization;

namespace OnnxTrainer.Training.Bench;

/// <summary>One line of the device check (tools/gpu-check.sh): PASS or FAIL, what was checked, and its numbers.</summary>
public sealed record DeviceCheck(string Name, bool Passed, string Numbers)
{
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Name}: {Numbers}";

    /// <summary>max|a - b| / max|a| over the elements: the difference relative to the reference's scale (0 when both are all zeros).</summary>
    public static double RelativeDifference(ReadOnlySpan<float> reference, ReadOnlySpan<float> other)
    {
        if (reference.Length != other.Length)
            throw new ArgumentException($"Expected tensors of the same size; got {reference.Length} and {other.Length} elements.");
        double diff = 0, scale = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = Math.Abs((double)reference[i] - other[i]);
            if (double.IsNaN(d)) return double.NaN;
            diff = Math.Max(diff, d);
            scale = Math.Max(scale, Math.Abs((double)reference[i]));
        }
        return diff == 0 ? 0 : scale == 0 ? double.PositiveInfinity : diff / scale;
    }

    /// <summary>
    /// Compares named tensors of a reference run with another: PASS when every relative difference is below
    /// <paramref name="tolerance"/>; the numbers give the largest and the tensor it is in.
    /// </summary>
    public static DeviceCheck Compare(string name, IReadOnlyList<(string Tensor, float[] Reference, float[] Other)> tensors, double tolerance)
    {
        if (tensors.Count == 0) throw new ArgumentException("Expected at least one tensor to compare.", nameof(tensors));
        var worst = tensors.Select(t => (t.Tensor, Diff: RelativeDifference(t.Reference, t.Other)))
            .OrderByDescending(t => double.IsNaN(t.Diff) ? double.PositiveInfinity : t.Diff).First();
        bool passed = worst.Diff < tolerance;
        string what = tensors.Count == 1 ? "" : $" (largest of {tensors.Count} tensors, in {worst.Tensor})";
        return new DeviceCheck(name, passed, string.Create(CultureInfo.InvariantCulture, $"relative difference {worst.Diff:0.00e+00}{what}, {(passed ? "below" : "not below")} {tolerance:0e+00}"));
    }
}
