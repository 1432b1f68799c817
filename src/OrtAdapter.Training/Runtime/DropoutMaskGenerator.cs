namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Dropout masks as a pure function of (seed, step, site, element index): a resumed run draws exactly the masks
/// an uninterrupted one would, on any device and with any number of threads. A SplitMix64 hash of a counter gives
/// four 16-bit uniforms per call; masks are made in 1 Mi-element chunks, each with its own key. A mask element is
/// 0 (dropped) or 1/(1-rate) (kept), so the graph applies dropout with a single Mul.
/// </summary>
public static class DropoutMaskGenerator
{
    const int Chunk = 1 << 20;

    /// <summary>Fills the first <paramref name="length"/> elements of <paramref name="mask"/>: 1/(1-rate) where kept (probability 1 - rate), else 0.</summary>
    public static void Fill(float[] mask, int length, float rate, ulong seed, long step, int site)
    {
        if (rate <= 0f) { mask.AsSpan(0, length).Fill(1f); return; }
        var scale = (float)(1.0 / (1.0 - rate));
        var threshold = (ulong)Math.Round(rate * 65536.0);
        var key = Mix(seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL ^ (ulong)(site + 1) * 0xD1B54A32D192ED03UL));
        var chunks = (length + Chunk - 1) / Chunk;
        if (chunks <= 1) FillChunk(mask, length, 0, key, threshold, scale);
        else Parallel.For(0, chunks, c => FillChunk(mask, length, c, key, threshold, scale));
    }

    static void FillChunk(float[] mask, int length, int chunk, ulong key, ulong threshold, float scale)
    {
        var span = mask.AsSpan(chunk * Chunk, Math.Min(Chunk, length - chunk * Chunk));
        var chunkKey = Mix(key + (ulong)chunk * 0xA24BAED4963EE407UL);
        int n = span.Length, i = 0;
        for (ulong counter = 0; i < n; counter++)
        {
            var bits = Mix(chunkKey + counter);
            for (int k = 0; k < 4 && i < n; k++, i++, bits >>= 16)
                span[i] = (bits & 0xFFFF) >= threshold ? scale : 0f;
        }
    }

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
