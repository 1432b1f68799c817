using System.Runtime.Intrinsics;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Dropout masks as a pure function of (seed, step, element index): a resumed run draws exactly the masks an
/// uninterrupted one would, on any device and with any number of threads. A step's masks are consecutive ranges of
/// one stream of elements, site after site in the artifacts' order (site k starts at the sum of the sizes before it).
/// A SplitMix64 hash of (seed, step) gives two 32-bit keys; element j of the stream is kept when <see cref="Hash"/>(j)
/// reaches rate·2³². The hash is a counter-based generator after Widynski's "Squares": four rounds of
/// x = rotate16(x·x + w) over a Weyl sequence w of the index. Squaring is what mixes: multiply/add/shift hashes without
/// XOR stay close to linear and correlate neighbouring elements. It uses only 32-bit wrapping multiply, add and
/// shifts, so that <see cref="DropoutMaskGraph"/> computes the same bits with standard ONNX ops (Mul, Add, and Div by
/// 2¹⁶ for the shift) on any execution provider: the CUDA provider has those and no bitwise ops. Here it runs sixteen
/// or eight lanes at a time (a W1 step needs 58 M mask elements), the scalar tail with the same function. A mask
/// element is one byte, 0 (dropped) or 1 (kept); the graph scales kept elements by 1/(1-rate) (<see cref="Scale"/>).
/// </summary>
public static class DropoutMaskGenerator
{
    // Shared with DropoutMaskGraph: the Weyl step (odd, so distinct indices give distinct w) and the rounds.
    internal const uint WeylStep = 0x9E3779B1u;
    internal const int Rounds = 4;

    /// <summary>
    /// Fills the first <paramref name="length"/> bytes of <paramref name="mask"/> with elements
    /// [<paramref name="offset"/>, offset + length) of the step's stream: 1 where kept (probability 1 - rate), else 0.
    /// </summary>
    public static void Fill(byte[] mask, int length, float rate, ulong seed, long step, long offset)
    {
        CheckRate(rate);
        if (rate <= 0f) { mask.AsSpan(0, length).Fill(1); return; }
        var (k0, k1) = Keys(seed, step);
        // One thread: the lanes write faster than memory takes them (a W1 step's 58 MB of masks), so a parallel fill
        // only added thread-pool latency.
        FillRange(mask.AsSpan(0, length), (uint)offset, k0, k1, Threshold(rate));
    }

    /// <summary>The 32-bit value that decides element <paramref name="index"/>: kept when it is at least <see cref="Threshold"/>.</summary>
    public static uint Hash(uint index, uint k0, uint k1)
    {
        uint y = (index + k0) * WeylStep, z = y + k1, x = y;
        for (int r = 0; r < Rounds; r++) x = Rotate16(x * x + (r % 2 == 0 ? y : z));
        return x;
    }

    /// <summary>The two 32-bit keys of one (seed, step).</summary>
    public static (uint K0, uint K1) Keys(ulong seed, long step)
    {
        var key = Mix(seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL));
        return ((uint)key, (uint)(key >> 32));
    }

    /// <summary>rate·2³², rounded: the hash values below it are dropped.</summary>
    public static uint Threshold(float rate) => (uint)Math.Min(uint.MaxValue, Math.Round(rate * 4294967296.0));

    /// <summary>What a kept element is multiplied by, 1/(1-rate) in float32, as the training graph states it.</summary>
    public static float Scale(float rate) => (float)(1.0 / (1.0 - rate));

    internal static void CheckRate(float rate) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rate, 1f);

    /// <summary>mask[j] = 1 when <see cref="Hash"/>(first + j) reaches the threshold, else 0.</summary>
    static void FillRange(Span<byte> mask, uint first, uint k0, uint k1, uint threshold)
    {
        int i = 0, end = mask.Length;
        // Four vectors of hashes narrow to one of bytes: 64 elements a round with sixteen lanes, then 32 with eight,
        // then the scalar tail.
        if (Vector512.IsHardwareAccelerated)
        {
            var (lanes, limit) = (Vector512<uint>.Indices + Vector512.Create(first), Vector512.Create(threshold));
            Vector512<uint> Kept(int at) => Vector512.GreaterThanOrEqual(Hash(Vector512.Create((uint)at) + lanes, k0, k1), limit) & Vector512<uint>.One;
            for (; i + 64 <= end; i += 64)
                Vector512.Narrow(Vector512.Narrow(Kept(i), Kept(i + 16)), Vector512.Narrow(Kept(i + 32), Kept(i + 48))).StoreUnsafe(ref mask[i]);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var (lanes, limit) = (Vector256<uint>.Indices + Vector256.Create(first), Vector256.Create(threshold));
            Vector256<uint> Kept(int at) => Vector256.GreaterThanOrEqual(Hash(Vector256.Create((uint)at) + lanes, k0, k1), limit) & Vector256<uint>.One;
            for (; i + 32 <= end; i += 32)
                Vector256.Narrow(Vector256.Narrow(Kept(i), Kept(i + 8)), Vector256.Narrow(Kept(i + 16), Kept(i + 24))).StoreUnsafe(ref mask[i]);
        }
        for (; i < end; i++) mask[i] = Hash(first + (uint)i, k0, k1) >= threshold ? (byte)1 : (byte)0;
    }

    // Hash, lane by lane.
    static Vector512<uint> Hash(Vector512<uint> index, uint k0, uint k1)
    {
        var y = (index + Vector512.Create(k0)) * WeylStep;
        var (z, x) = (y + Vector512.Create(k1), y);
        for (int r = 0; r < Rounds; r++) x = Vector512.ShiftRightLogical(x = x * x + (r % 2 == 0 ? y : z), 16) | Vector512.ShiftLeft(x, 16);
        return x;
    }

    static Vector256<uint> Hash(Vector256<uint> index, uint k0, uint k1)
    {
        var y = (index + Vector256.Create(k0)) * WeylStep;
        var (z, x) = (y + Vector256.Create(k1), y);
        for (int r = 0; r < Rounds; r++) x = Vector256.ShiftRightLogical(x = x * x + (r % 2 == 0 ? y : z), 16) | Vector256.ShiftLeft(x, 16);
        return x;
    }

    static uint Rotate16(uint x) => (x >> 16) | (x << 16);

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
