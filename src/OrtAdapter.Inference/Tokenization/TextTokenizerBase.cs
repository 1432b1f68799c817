using System.Numerics;
using System.Runtime.InteropServices;

namespace OrtAdapter.Inference.Tokenization;

/// <summary>
/// The special-token layout, truncation and padding shared by the tokenizers; subclasses only turn text into ids.
/// </summary>
public abstract class TextTokenizerBase : ITextTokenizer
{
    private readonly int _pairSeparators;

    /// <param name="specialIds">The special-token ids.</param>
    /// <param name="modelMaxLength">The default maximum length.</param>
    /// <param name="usesTokenTypes">Whether the second text of a pair gets token type 1.</param>
    /// <param name="pairSeparators">Separators between the texts of a pair: 1 for BERT, 2 for RoBERTa.</param>
    protected TextTokenizerBase(SpecialTokenIds specialIds, int modelMaxLength, bool usesTokenTypes, int pairSeparators)
    {
        ArgumentNullException.ThrowIfNull(specialIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(modelMaxLength, 2 + pairSeparators);
        SpecialIds = specialIds;
        ModelMaxLength = modelMaxLength;
        UsesTokenTypes = usesTokenTypes;
        _pairSeparators = pairSeparators;
    }

    /// <inheritdoc/>
    public SpecialTokenIds SpecialIds { get; }

    /// <inheritdoc/>
    public int ModelMaxLength { get; }

    /// <inheritdoc/>
    public bool UsesTokenTypes { get; }

    /// <summary>Appends the ids of <paramref name="text"/>'s tokens to <paramref name="ids"/>, at most <paramref name="maxTokens"/>.</summary>
    protected abstract void AppendIds(string text, List<int> ids, int maxTokens);

    /// <inheritdoc/>
    public IReadOnlyList<int> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        AppendIds(text, ids, int.MaxValue);
        return ids;
    }

    /// <inheritdoc/>
    public EncodedText Encode(string text, string? pair = null, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        int budget = Budget(maxLength, pair is not null);
        var tokens = new List<int>();
        var row = Collect(text, pair, tokens, budget);
        var ids = new int[row.Length];
        var types = new int[row.Length];
        WriteRow(CollectionsMarshal.AsSpan(tokens), row, ids, types);
        return new EncodedText(ids, types);
    }

    /// <inheritdoc/>
    public TokenizedBatch EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null, int? maxLength = null,
        PaddingStrategy padding = PaddingStrategy.Longest)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (pairs is not null && pairs.Count != texts.Count)
            throw new ArgumentException($"{pairs.Count} pair texts for {texts.Count} texts; they must match.", nameof(pairs));
        int budget = Budget(maxLength, pairs is not null);
        // All rows' ids go to one list first: dynamic padding needs the longest row before the tensors exist.
        var tokens = new List<int>(texts.Count * 32);
        var rows = new Row[texts.Count];
        int longest = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            rows[i] = Collect(texts[i], pairs?[i], tokens, budget);
            longest = Math.Max(longest, rows[i].Length);
        }
        int columns = padding == PaddingStrategy.MaxLength ? maxLength ?? ModelMaxLength : longest;
        var ids = new long[texts.Count * columns];
        var mask = new long[ids.Length];
        var types = new long[ids.Length];
        if (SpecialIds.Pad != 0) Array.Fill(ids, SpecialIds.Pad);
        ReadOnlySpan<int> all = CollectionsMarshal.AsSpan(tokens);
        for (int i = 0; i < rows.Length; i++)
        {
            int offset = i * columns;
            WriteRow(all, rows[i], ids.AsSpan(offset, columns), types.AsSpan(offset, columns));
            mask.AsSpan(offset, rows[i].Length).Fill(1);
        }
        return new TokenizedBatch(ids, mask, types, texts.Count, columns);
    }

    /// <summary>Where a row's texts lie in the shared token list, after truncation.</summary>
    private readonly record struct Row(int AStart, int ALength, int BStart, int BLength, bool IsPair, int Length);

    /// <summary>Tokens left for the texts once the special tokens are counted.</summary>
    private int Budget(int? maxLength, bool isPair)
    {
        int specials = isPair ? 2 + _pairSeparators : 2;
        int max = maxLength ?? ModelMaxLength;
        if (max < specials)
            throw new ArgumentOutOfRangeException(nameof(maxLength), max, $"The maximum length must leave room for the {specials} special tokens.");
        return max - specials;
    }

    private Row Collect(string text, string? pair, List<int> tokens, int budget)
    {
        ArgumentNullException.ThrowIfNull(text);
        // No text needs more than the whole budget, so tokenizing stops there: long documents stay cheap.
        int aStart = tokens.Count;
        AppendIds(text, tokens, budget);
        int aLength = tokens.Count - aStart;
        if (pair is null) return new Row(aStart, aLength, 0, 0, false, 2 + aLength);
        int bStart = tokens.Count;
        AppendIds(pair, tokens, budget);
        int bLength = tokens.Count - bStart;
        // Longest first, one token at a time, ties taken from the second text (as Hugging Face does).
        while (aLength + bLength > budget)
        {
            if (aLength > bLength) aLength--;
            else bLength--;
        }
        return new Row(aStart, aLength, bStart, bLength, true, 2 + _pairSeparators + aLength + bLength);
    }

    private void WriteRow<T>(ReadOnlySpan<int> tokens, Row row, Span<T> ids, Span<T> types) where T : IBinaryInteger<T>
    {
        int at = 0;
        ids[at++] = T.CreateTruncating(SpecialIds.Cls);
        foreach (int id in tokens.Slice(row.AStart, row.ALength)) ids[at++] = T.CreateTruncating(id);
        ids[at++] = T.CreateTruncating(SpecialIds.Sep);
        if (!row.IsPair) return;
        for (int i = 1; i < _pairSeparators; i++) ids[at++] = T.CreateTruncating(SpecialIds.Sep);
        int secondStart = at;
        foreach (int id in tokens.Slice(row.BStart, row.BLength)) ids[at++] = T.CreateTruncating(id);
        ids[at++] = T.CreateTruncating(SpecialIds.Sep);
        if (UsesTokenTypes) types[secondStart..at].Fill(T.One);
    }
}
