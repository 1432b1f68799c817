namespace OrtAdapter.Training.Batching;

/// <summary>
/// The order of examples in each epoch, cut into batches: a pure function of (seed, epoch), so a run resumed at
/// (epoch, batch) sees exactly the batches an uninterrupted run would have seen.
/// </summary>
/// <remarks>
/// Each epoch draws from its own <see cref="Random"/> seeded from (seed, epoch): <c>new Random(int)</c> yields the
/// same sequence on every run and .NET version, and a per-epoch generator means resuming needs no replay.
/// </remarks>
public sealed class BatchPlan
{
    readonly int[] lengths;
    readonly BatchingOptions options;
    readonly int seed;

    /// <param name="lengths">Token length of each example (for bucketing; only the count matters otherwise).</param>
    /// <param name="options">Batch size, shuffling and bucketing.</param>
    /// <param name="seed">The run's seed.</param>
    public BatchPlan(IReadOnlyList<int> lengths, BatchingOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.lengths = [.. lengths];
        this.options = options;
        this.seed = seed;
    }

    public int ExampleCount => lengths.Length;

    /// <summary>Examples per batch (the last batch of an epoch may have fewer).</summary>
    public int BatchSize => options.BatchSize;

    /// <summary>Batches per epoch, the last partial one included.</summary>
    public int BatchesPerEpoch => (lengths.Length + options.BatchSize - 1) / options.BatchSize;

    /// <summary>The epoch and batch of a 0-based global step.</summary>
    public BatchPosition Locate(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (BatchesPerEpoch == 0) throw new InvalidOperationException("The plan has no examples.");
        return new((int)(step / BatchesPerEpoch), (int)(step % BatchesPerEpoch));
    }

    (int Epoch, IReadOnlyList<int[]> Batches)? _current;

    /// <summary>The example indices of the batch trained at global batch index <paramref name="step"/> (the epoch's order is kept between calls).</summary>
    public int[] BatchAt(long step)
    {
        var position = Locate(step);
        if (_current is not { } c || c.Epoch != position.Epoch) _current = c = (position.Epoch, Epoch(position.Epoch));
        return c.Batches[position.Batch];
    }

    /// <summary>The example indices of every batch of <paramref name="epoch"/>, in order.</summary>
    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var random = new Random(EpochSeed(seed, epoch));
        var order = Enumerable.Range(0, lengths.Length).ToArray();
        if (options.Shuffle) Shuffle(order, random);
        if (options.BucketByLength) SortWithinWindows(order);
        var batches = order.Chunk(options.BatchSize).ToArray();
        // Sorted windows would otherwise run short-to-long in every epoch.
        if (options.Shuffle && options.BucketByLength) Shuffle(batches, random);
        return batches;
    }

    /// <summary>The batches of <paramref name="epoch"/> from <paramref name="fromBatch"/> on (resuming mid-epoch).</summary>
    public IEnumerable<int[]> Remaining(int epoch, int fromBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromBatch);
        return Epoch(epoch).Skip(fromBatch);
    }

    void SortWithinWindows(int[] order)
    {
        var window = options.BatchSize * options.BucketWindowBatches;
        for (var start = 0; start < order.Length; start += window)
        {
            var count = Math.Min(window, order.Length - start);
            // Stable: equal lengths keep their shuffled order.
            var sorted = order.AsSpan(start, count).ToArray().Select((index, position) => (index, position))
                .OrderBy(p => lengths[p.index]).ThenBy(p => p.position).Select(p => p.index).ToArray();
            sorted.CopyTo(order, start);
        }
    }

    /// <summary>Fisher-Yates, last element first.</summary>
    static void Shuffle<T>(T[] items, Random random)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Mixes (seed, epoch) with SplitMix64 so neighbouring seeds and epochs give unrelated streams.</summary>
    /// <remarks><see cref="HashCode"/> is randomised per process, so it cannot be used here.</remarks>
    internal static int EpochSeed(int seed, int epoch)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)epoch) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
