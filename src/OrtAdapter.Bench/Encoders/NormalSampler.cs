namespace OrtAdapter.Bench.Encoders;

/// <summary>
/// Normal variates from SplitMix64 and Box-Muller: a generator of our own, so the values depend only on
/// (seed, stream name), not on System.Random's implementation.
/// </summary>
sealed class NormalSampler
{
    ulong _state;

    public NormalSampler(ulong seed, string stream)
    {
        // FNV-1a of the stream name, mixed with the seed.
        ulong hash = 14695981039346656037UL;
        foreach (var c in stream) { hash ^= c; hash *= 1099511628211UL; }
        _state = hash ^ (seed * 0x9E3779B97F4A7C15UL);
    }

    public void Fill(Span<float> values, float std)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            var u1 = (Next() >> 11) * (1.0 / (1UL << 53));
            var u2 = (Next() >> 11) * (1.0 / (1UL << 53));
            var r = Math.Sqrt(-2.0 * Math.Log(1.0 - u1)); // 1 - u1 is in (0, 1]
            var theta = 2.0 * Math.PI * u2;
            values[i] = (float)(std * r * Math.Cos(theta));
            if (i + 1 < values.Length) values[i + 1] = (float)(std * r * Math.Sin(theta));
        }
    }

    ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
