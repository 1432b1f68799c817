using System.Runtime.Intrinsics;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Dropout masks as a pure function of (seed, step, site, element index): a resumed run draws exactly the masks
/// an uninterrupted one would, on any device and with any number of threads. A SplitMix64 hash of (seed, step,
/// site) gives a 64-bit key; element i is kept when a 32-bit hash of (i, key) — two rounds of the lowbias32
/// integer mixer — reaches rate·2³². The hash is computed eight lanes at a time (a W1 step needs 58 M mask
/// elements: 8x faster than one SplitMix64 per four elements), and the scalar tail uses the same function. A mask
/// element is 0 (dropped) or 1/(1-rate) (kept), so the graph applies dropout with a single Mul.
/// </summary>
public static class DropoutMaskGenerator
{
    const int Chunk = 1 << 20;

    /// <summary>Fills the first <paramref name="length"/> elements of <paramref name="mask"/>: 1/(1-rate) where kept (probability 1 - rate), else 0.</summary>
    public static void Fill(float[] mask, int length, float rate, ulong seed, long step, int site)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rate, 1f);
        if (rate <= 0f) { mask.AsSpan(0, length).Fill(1f); return; }
        var scale = (float)(1.0 / (1.0 - rate));
        var threshold = (uint)Math.Min(uint.MaxValue, Math.Round(rate * 4294967296.0));
        var key = Mix(seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL ^ (ulong)(site + 1) * 0xD1B54A32D192ED03UL));
        var (k0, k1) = ((uint)key, (uint)(key >> 32));
        var chunks = (length + Chunk - 1) / Chunk;
        if (chunks <= 1) FillRange(mask, 0, length, k0, k1, threshold, scale);
        else Parallel.For(0, chunks, c => FillRange(mask, c * Chunk, Math.Min(length, (c + 1) * Chunk), k0, k1, threshold, scale));
    }

    static void FillRange(float[] mask, int start, int end, uint k0, uint k1, uint threshold, float scale)
    {
        int i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            var (key0, key1, limit) = (Vector256.Create(k0), Vector256.Create(k1), Vector256.Create(threshold));
            var kept = Vector256.Create(scale);
            for (; i + 8 <= end; i += 8)
            {
                var index = Vector256.Create((uint)i) + lanes;
                var keep = Vector256.GreaterThanOrEqual(LowBias(LowBias(index ^ key0) + key1), limit);
                Vector256.ConditionalSelect(keep.AsSingle(), kept, Vector256<float>.Zero).StoreUnsafe(ref mask[i]);
            }
        }
        for (; i < end; i++) mask[i] = LowBias(LowBias((uint)i ^ k0) + k1) >= threshold ? scale : 0f;
    }

    // lowbias32 (Chris Wellons' integer hash search): a full-avalanche 32-bit mixer with two multiplies.
    static uint LowBias(uint x)
    {
        x ^= x >> 16; x *= 0x7FEB352DU;
        x ^= x >> 15; x *= 0x846CA68BU;
        return x ^ (x >> 16);
    }

    static Vector256<uint> LowBias(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16); x *= 0x7FEB352DU;
        x ^= Vector256.ShiftRightLogical(x, 15); x *= 0x846CA68BU;
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
