namespace OrtAdapter.Training.Batching;

/// <summary>How examples are ordered, grouped and truncated into batches.</summary>
public sealed class BatchingOptions
{
    /// <summary>Examples per batch; the last batch of an epoch may be smaller (it is kept). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Truncation length in tokens, special tokens included. Default 128.</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Shuffle examples and batch order each epoch (training); false keeps file order (evaluation). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Sort examples by token length inside windows of <see cref="BucketWindowBatches"/> batches so that batches pad
    /// less; with <see cref="Shuffle"/> the batch order is shuffled afterwards. Default false.
    /// </summary>
    public bool BucketByLength { get; init; }

    /// <summary>Window of length bucketing, in batches. Default 50.</summary>
    public int BucketWindowBatches { get; init; } = 50;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLength, 2, nameof(MaxLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(BucketWindowBatches, 1, nameof(BucketWindowBatches));
    }
}
