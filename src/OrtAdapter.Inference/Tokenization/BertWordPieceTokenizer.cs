using System.Collections.Concurrent;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace OrtAdapter.Inference.Tokenization;

/// <summary>
/// BERT-exact WordPiece: OrtAdapter's own basic tokenization (<see cref="BertBasicTokenizer"/>) feeding
/// Microsoft.ML.Tokenizers' WordPiece model one word at a time.
/// </summary>
public sealed class BertWordPieceTokenizer : TextTokenizerBase
{
    // Words repeat heavily in text, so their pieces are cached: a hit costs no allocation. Bounded, never evicted.
    private const int CacheCapacity = 100_000;

    private readonly WordPieceTokenizer _wordPiece;
    private readonly ThreadLocal<BertBasicTokenizer> _basic;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private readonly int _maxInputCharsPerWord;
    private readonly int _unknownId;

    private BertWordPieceTokenizer(WordPieceTokenizer wordPiece, SpecialTokenIds ids, BertTokenizerOptions options)
        : base(ids, options.ModelMaxLength, usesTokenTypes: true, pairSeparators: 1)
    {
        _wordPiece = wordPiece;
        _unknownId = ids.Unknown!.Value;
        _maxInputCharsPerWord = options.MaxInputCharsPerWord;
        bool stripAccents = options.StripAccents ?? options.LowerCase;
        _basic = new(() => new BertBasicTokenizer(options.LowerCase, stripAccents, options.TokenizeChineseChars));
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Loads a WordPiece <c>vocab.txt</c> (one token per line, id = line number).</summary>
    /// <param name="vocabPath">The vocabulary file.</param>
    /// <param name="options">Casing and special-token names; null for uncased BERT defaults.</param>
    /// <exception cref="FileNotFoundException">The vocabulary does not exist.</exception>
    /// <exception cref="InvalidDataException">The vocabulary cannot be read or lacks a special token; the message names the file.</exception>
    public static BertWordPieceTokenizer Create(string vocabPath, BertTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabPath);
        options ??= new BertTokenizerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInputCharsPerWord, 1, nameof(options));
        if (!File.Exists(vocabPath))
            throw new FileNotFoundException($"BERT vocabulary '{vocabPath}' does not exist.", vocabPath);
        WordPieceTokenizer wordPiece;
        try
        {
            // The library counts UTF-16 chars; the limit BERT means (code points) is enforced in AppendIds.
            wordPiece = WordPieceTokenizer.Create(vocabPath, new WordPieceOptions
            {
                UnknownToken = options.UnknownToken,
                ContinuingSubwordPrefix = "##",
                MaxInputCharsPerWord = 2 * options.MaxInputCharsPerWord,
            });
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException($"BERT vocabulary '{vocabPath}' could not be loaded: {ex.Message}", ex);
        }
        int Require(string token) => Lookup(wordPiece, token, options.UnknownToken)
            ?? throw new InvalidDataException($"BERT vocabulary '{vocabPath}' has no special token '{token}'.");
        var ids = new SpecialTokenIds(
            Cls: Require(options.ClsToken),
            Sep: Require(options.SepToken),
            Pad: Require(options.PadToken),
            Unknown: Require(options.UnknownToken),
            Mask: Lookup(wordPiece, options.MaskToken, options.UnknownToken));
        return new BertWordPieceTokenizer(wordPiece, ids, options);
    }

    /// <summary>Loads <c>vocab.txt</c> and (if present) <c>tokenizer_config.json</c> from a model directory.</summary>
    public static BertWordPieceTokenizer FromModelDirectory(string directory) =>
        Create(Path.Combine(directory, "vocab.txt"), BertTokenizerOptions.FromConfigFile(Path.Combine(directory, "tokenizer_config.json")));

    /// <inheritdoc/>
    protected override void AppendIds(string text, List<int> ids, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var basic = _basic.Value!;
        basic.Split(text);
        ReadOnlySpan<char> chars = basic.Output.Written;
        int limit = (int)Math.Min((long)ids.Count + maxTokens, int.MaxValue);
        foreach (var (start, length) in basic.Words)
        {
            if (ids.Count >= limit) break;
            ReadOnlySpan<char> word = chars.Slice(start, length);
            if (length > _maxInputCharsPerWord && CountCodePoints(word) > _maxInputCharsPerWord) ids.Add(_unknownId);
            else ids.AddRange(Pieces(word));
        }
        if (ids.Count > limit) ids.RemoveRange(limit, ids.Count - limit);
    }

    /// <summary>The WordPiece ids of one basic-tokenized word; a word that cannot be fully matched is one unknown token.</summary>
    private int[] Pieces(ReadOnlySpan<char> word)
    {
        if (_cacheBySpan.TryGetValue(word, out int[]? cached)) return cached;
        int[] pieces = [.. _wordPiece.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false)];
        if (_cache.Count < CacheCapacity) _cacheBySpan.TryAdd(word, pieces);
        return pieces;
    }

    /// <summary>The id of <paramref name="token"/> if the vocabulary holds it as a whole token.</summary>
    private static int? Lookup(WordPieceTokenizer wordPiece, string token, string unknownToken)
    {
        var ids = wordPiece.EncodeToIds(token, considerPreTokenization: false, considerNormalization: false);
        return ids.Count == 1 && (ids[0] != wordPiece.UnknownTokenId || token == unknownToken) ? ids[0] : null;
    }

    private static int CountCodePoints(ReadOnlySpan<char> word)
    {
        int count = 0;
        foreach (Rune _ in word.EnumerateRunes()) count++;
        return count;
    }
}
