namespace OrtAdapter.Onnx;

/// <summary>Transpose permutations (perm[i] = the input axis that becomes output axis i).</summary>
public static class Permutation
{
    public static long[] Identity(int rank) => [.. Enumerable.Range(0, rank).Select(i => (long)i)];

    /// <summary>Swaps the last two axes (a matrix transpose of every batch entry).</summary>
    public static long[] SwapLastTwo(int rank)
    {
        var perm = Identity(rank);
        (perm[^2], perm[^1]) = (perm[^1], perm[^2]);
        return perm;
    }

    public static bool IsIdentity(long[] perm) => perm.Select((axis, i) => axis == i).All(same => same);

    public static bool IsSwapOfLastTwo(long[] perm) => perm.Length >= 2 && perm.SequenceEqual(SwapLastTwo(perm.Length));

    /// <summary>Transpose(Transpose(x, first), then) as one Transpose of x.</summary>
    public static long[] Compose(long[] first, long[] then) => [.. then.Select(i => first[i])];

    public static long[] Inverse(long[] perm)
    {
        var inverse = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return inverse;
    }
}
