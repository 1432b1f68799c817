namespace OrtAdapter.Inference.Tokenization;

/// <summary>How <see cref="ITextTokenizer.EncodeBatch"/> pads its rows.</summary>
public enum PaddingStrategy
{
    /// <summary>Pad to the longest row of the batch (dynamic padding; fastest for training and inference).</summary>
    Longest,

    /// <summary>Pad every row to the maximum length (fixed shapes, e.g. a benchmark at exactly 128).</summary>
    MaxLength,
}
