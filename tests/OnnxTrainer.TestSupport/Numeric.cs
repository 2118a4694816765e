using Xunit;
namespace OnnxTrainer.TestSupport;

/// <summary>Random test data and tolerant comparisons.</summary>
public static class Numeric
{
    public static float[] Random(int count, int seed, float low = -1f, float high = 1f)
    {
        var rng = new System.Random(seed);
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = (float)(low + (high - low) * rng.NextDouble());
        return a;
    }

    /// <summary>Asserts |a - b| <= atol + rtol * |b| elementwise, naming the first index that fails.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float atol = 1e-5f, float rtol = 1e-4f, string what = "values")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float tol = atol + rtol * Math.Abs(expected[i]);
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tol:G3}).");
        }
    }
}
