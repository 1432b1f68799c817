namespace OrtAdapter.Training.Data;

/// <summary>
/// Carves train/dev/test out of one source. Each example gets a seeded hash of its texts; examples are ordered
/// by it and cut by the fractions. So the same input and seed give the same split on every machine, membership
/// does not depend on row order, and rows with the same text fall together (duplicates rarely straddle splits).
/// </summary>
public static class DatasetSplitter
{
    /// <summary>
    /// Splits off round(n * devFraction) dev and round(n * testFraction) test examples (train keeps at least one);
    /// each split keeps the source order.
    /// </summary>
    public static DatasetSplits Split(LoadResult source, double devFraction, double testFraction, int seed = 0)
    {
        var (train, dev, test) = Split(source.Examples, devFraction, testFraction, seed);
        return new DatasetSplits(train, dev, test, source.Labels, source.BadRows);
    }

    /// <summary>As <see cref="Split(LoadResult, double, double, int)"/>, for a list of examples.</summary>
    public static (IReadOnlyList<Example> Train, IReadOnlyList<Example> Dev, IReadOnlyList<Example> Test) Split(
        IReadOnlyList<Example> examples, double devFraction, double testFraction, int seed = 0)
    {
        if (!(devFraction >= 0 && testFraction >= 0 && devFraction + testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(devFraction), $"Fractions must be >= 0 with a sum below 1 (dev {devFraction}, test {testFraction}).");
        var n = examples.Count;
        var testCount = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        var devCount = (int)Math.Round(n * devFraction, MidpointRounding.AwayFromZero);
        var overflow = testCount + devCount - Math.Max(n - 1, 0);
        if (overflow > 0)
        {
            var fromDev = Math.Min(overflow, devCount);
            devCount -= fromDev;
            testCount -= overflow - fromDev;
        }

        // Ties (identical texts) are broken by the whole example and then by position, so the order is total.
        var order = Enumerable.Range(0, n)
            .Select(i => (Index: i, Key: Hash(seed, examples[i])))
            .OrderBy(x => x.Key)
            .ThenBy(x => Describe(examples[x.Index]), StringComparer.Ordinal)
            .ThenBy(x => x.Index)
            .Select(x => x.Index)
            .ToArray();
        var split = new byte[n];
        for (var k = 0; k < n; k++) split[order[k]] = k < testCount ? (byte)2 : k < testCount + devCount ? (byte)1 : (byte)0;
        return (Pick(examples, split, 0), Pick(examples, split, 1), Pick(examples, split, 2));
    }

    static List<Example> Pick(IReadOnlyList<Example> examples, byte[] split, byte which) =>
        [.. examples.Where((_, i) => split[i] == which)];

    static string Describe(Example e) =>
        $"{e.Text}\u001f{e.TextPair}\u001f{string.Join(",", e.LabelIds)}\u001f{e.Target?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>FNV-1a over the texts, seeded and finished with a SplitMix64 mix; stable across runs and platforms.</summary>
    static ulong Hash(int seed, Example e)
    {
        var h = 14695981039346656037UL ^ Mix((ulong)(uint)seed);
        foreach (var c in e.Text) h = (h ^ c) * 1099511628211UL;
        h = (h ^ 0x1F) * 1099511628211UL;
        foreach (var c in e.TextPair ?? "") h = (h ^ c) * 1099511628211UL;
        return Mix(h);
    }

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
