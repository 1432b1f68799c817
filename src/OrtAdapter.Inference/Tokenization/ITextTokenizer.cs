namespace OrtAdapter.Inference.Tokenization;

/// <summary>A tokenizer for a transformer encoder: text to ids, special tokens, truncation and batch padding.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface ITextTokenizer
{
    /// <summary>The special-token ids from the vocabulary.</summary>
    SpecialTokenIds SpecialIds { get; }

    /// <summary>The default maximum length, special tokens included (<c>model_max_length</c>, else 512).</summary>
    int ModelMaxLength { get; }

    /// <summary>Whether the second text of a pair gets token type 1 (BERT) rather than 0 (RoBERTa).</summary>
    bool UsesTokenTypes { get; }

    /// <summary>The ids of <paramref name="text"/>'s tokens, without special tokens and untruncated.</summary>
    IReadOnlyList<int> Tokenize(string text);

    /// <summary>
    /// Encodes a text (<c>[CLS] a [SEP]</c>) or a pair (<c>[CLS] a [SEP] b [SEP]</c>, RoBERTa <c>&lt;s&gt; a &lt;/s&gt;&lt;/s&gt; b &lt;/s&gt;</c>),
    /// truncated to <paramref name="maxLength"/> tokens (longest first for pairs).
    /// </summary>
    /// <param name="text">The first text.</param>
    /// <param name="pair">The optional second text.</param>
    /// <param name="maxLength">The maximum length with special tokens; null for <see cref="ModelMaxLength"/>.</param>
    EncodedText Encode(string text, string? pair = null, int? maxLength = null);

    /// <summary>Encodes texts (and optional pairs, one per text) into one padded batch.</summary>
    /// <param name="texts">The first texts.</param>
    /// <param name="pairs">Null, or the second texts, as many as <paramref name="texts"/>.</param>
    /// <param name="maxLength">The truncation length; null for <see cref="ModelMaxLength"/>.</param>
    /// <param name="padding">Pad to the longest row (default) or to <paramref name="maxLength"/>.</param>
    TokenizedBatch EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null, int? maxLength = null,
        PaddingStrategy padding = PaddingStrategy.Longest);
}
