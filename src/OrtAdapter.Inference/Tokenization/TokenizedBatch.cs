namespace OrtAdapter.Inference.Tokenization;

/// <summary>
/// A padded batch as ONNX encoders take it: row-major <c>[BatchSize, SequenceLength]</c> int64 tensors, flattened.
/// </summary>
/// <param name="InputIds">Token ids; padding positions hold the pad id.</param>
/// <param name="AttentionMask">1 for real tokens, 0 for padding.</param>
/// <param name="TokenTypeIds">Segment ids (0 on padding).</param>
/// <param name="BatchSize">Number of rows.</param>
/// <param name="SequenceLength">Number of columns.</param>
public sealed record TokenizedBatch(long[] InputIds, long[] AttentionMask, long[] TokenTypeIds, int BatchSize, int SequenceLength)
{
    /// <summary>The tensor shape <c>[BatchSize, SequenceLength]</c>.</summary>
    public int[] Shape => [BatchSize, SequenceLength];

    /// <summary>The ids of row <paramref name="row"/>, padding included.</summary>
    public ReadOnlySpan<long> RowInputIds(int row) => InputIds.AsSpan(row * SequenceLength, SequenceLength);
}
