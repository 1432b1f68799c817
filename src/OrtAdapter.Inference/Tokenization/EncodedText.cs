namespace OrtAdapter.Inference.Tokenization;

/// <summary>One encoded text or text pair, special tokens included, unpadded (its attention mask is all ones).</summary>
/// <param name="InputIds">Token ids.</param>
/// <param name="TokenTypeIds">Segment ids: 0 for the first text, 1 for the second (BERT); all 0 for RoBERTa.</param>
public sealed record EncodedText(int[] InputIds, int[] TokenTypeIds)
{
    /// <summary>The number of tokens.</summary>
    public int Length => InputIds.Length;
}
