using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Training.Tests.Batching;

/// <summary>
/// A stand-in tokenizer with predictable output: one token per space-separated word (id = 1000 + word length),
/// BERT-style special tokens and pair layout; counts its calls so tests can check that nothing re-tokenizes.
/// </summary>
sealed class WordTokenizer : ITextTokenizer
{
    public const int Cls = 101, Sep = 102, Pad = 7;
    int encodeCalls;

    public int EncodeCalls => encodeCalls;

    public SpecialTokenIds SpecialIds { get; } = new(Cls, Sep, Pad, 100, 103);

    public int ModelMaxLength => 512;

    public bool UsesTokenTypes => true;

    public IReadOnlyList<int> Tokenize(string text) =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => 1000 + w.Length)];

    public EncodedText Encode(string text, string? pair = null, int? maxLength = null)
    {
        Interlocked.Increment(ref encodeCalls);
        var limit = maxLength ?? ModelMaxLength;
        var a = Tokenize(text).ToList();
        var b = pair is null ? [] : Tokenize(pair).ToList();
        var room = limit - (pair is null ? 2 : 3);
        while (a.Count + b.Count > room)
        {
            if (a.Count >= b.Count) a.RemoveAt(a.Count - 1);
            else b.RemoveAt(b.Count - 1);
        }
        int[] ids = pair is null ? [Cls, .. a, Sep] : [Cls, .. a, Sep, .. b, Sep];
        var types = new int[ids.Length];
        for (var i = a.Count + 2; i < ids.Length; i++) types[i] = 1;
        return new(ids, types);
    }

    public TokenizedBatch EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null, int? maxLength = null,
        PaddingStrategy padding = PaddingStrategy.Longest) => throw new NotSupportedException();
}
