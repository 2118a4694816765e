namespace OnnxTrainer.Onnx;

/// <summary>
/// A small, portable, seeded random stream (SplitMix64): the same seed gives the same numbers on every
/// machine and .NET version, unlike System.Random's unspecified algorithm.
/// </summary>
public sealed class SeededRandom
{
    private ulong _state;

    /// <summary>A stream that starts from <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed) => _state = seed;

    /// <summary>An independent stream for a named purpose (a parameter, a layer's dropout, shuffling).</summary>
    public static SeededRandom For(long seed, string purpose) => new(Mix((ulong)seed ^ Fnv1a(purpose)));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound).</summary>
    /// <param name="bound">The exclusive upper bound, &gt; 0.</param>
    public int NextInt(int bound) => (int)((NextUInt64() >> 33) % (ulong)bound);

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv1a(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return h;
    }
}
