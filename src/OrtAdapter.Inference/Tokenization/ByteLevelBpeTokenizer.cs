using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace OrtAdapter.Inference.Tokenization;

/// <summary>
/// Byte-level BPE (GPT-2 / RoBERTa): <c>&lt;s&gt; a &lt;/s&gt;&lt;/s&gt; b &lt;/s&gt;</c>, no token types.
/// Built on Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> with byte-level mapping and the GPT-2 split regex.
/// </summary>
public sealed partial class ByteLevelBpeTokenizer : TextTokenizerBase
{
    private readonly BpeTokenizer _bpe;
    private readonly bool _addPrefixSpace;

    private ByteLevelBpeTokenizer(BpeTokenizer bpe, SpecialTokenIds ids, ByteLevelBpeOptions options)
        : base(ids, options.ModelMaxLength, usesTokenTypes: false, pairSeparators: 2)
    {
        _bpe = bpe;
        _addPrefixSpace = options.AddPrefixSpace;
    }

    // GPT-2's pre-tokenization, as Hugging Face's ByteLevel pre-tokenizer applies it.
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Split();

    /// <summary>Loads a <c>vocab.json</c> (token to id) and <c>merges.txt</c> (one "a b" merge per line, by rank).</summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file cannot be read or the vocabulary lacks a special token; the message names the file.</exception>
    public static ByteLevelBpeTokenizer Create(string vocabJsonPath, string mergesPath, ByteLevelBpeOptions? options = null)
    {
        RequireFile(vocabJsonPath, "BPE vocabulary");
        RequireFile(mergesPath, "BPE merges");
        string files = $"'{vocabJsonPath}' / '{mergesPath}'";
        return Build(files, () => new BpeOptions(vocabJsonPath, mergesPath), options ?? new ByteLevelBpeOptions());
    }

    /// <summary>Loads the BPE model of a Hugging Face <c>tokenizer.json</c>; it must be a byte-level BPE.</summary>
    public static ByteLevelBpeTokenizer CreateFromTokenizerJson(string tokenizerJsonPath, ByteLevelBpeOptions? options = null)
    {
        RequireFile(tokenizerJsonPath, "Tokenizer file");
        var (vocab, merges) = TokenizerJson.ReadByteLevelBpe(tokenizerJsonPath);
        return Build($"'{tokenizerJsonPath}'", () => new BpeOptions(vocab) { Merges = merges }, options ?? new ByteLevelBpeOptions());
    }

    /// <summary>Loads <c>vocab.json</c> + <c>merges.txt</c>, else <c>tokenizer.json</c>, with <c>tokenizer_config.json</c> if present.</summary>
    public static ByteLevelBpeTokenizer FromModelDirectory(string directory)
    {
        var options = ByteLevelBpeOptions.FromConfigFile(Path.Combine(directory, "tokenizer_config.json"));
        string vocab = Path.Combine(directory, "vocab.json"), merges = Path.Combine(directory, "merges.txt");
        string tokenizerJson = Path.Combine(directory, "tokenizer.json");
        bool pair = File.Exists(vocab) && File.Exists(merges);
        return pair || !File.Exists(tokenizerJson) ? Create(vocab, merges, options) : CreateFromTokenizerJson(tokenizerJson, options);
    }

    /// <inheritdoc/>
    protected override void AppendIds(string text, List<int> ids, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_addPrefixSpace && text.Length > 0 && !char.IsWhiteSpace(text[0])) text = " " + text;
        ids.AddRange(_bpe.EncodeToIds(text, maxTokens, out _, out _));
    }

    private static ByteLevelBpeTokenizer Build(string files, Func<BpeOptions> model, ByteLevelBpeOptions options)
    {
        BpeTokenizer bpe;
        try
        {
            var bpeOptions = model();
            bpeOptions.ByteLevel = true;
            bpeOptions.PreTokenizer = new RegexPreTokenizer(Gpt2Split(), null);
            bpe = BpeTokenizer.Create(bpeOptions);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or JsonException or KeyNotFoundException)
        {
            throw new InvalidDataException($"BPE model {files} could not be loaded: {ex.Message}", ex);
        }
        int? Lookup(string token) => bpe.Vocabulary.TryGetValue(token, out int id) ? id : null;
        int Require(string token) => Lookup(token)
            ?? throw new InvalidDataException($"BPE vocabulary {files} has no special token '{token}'.");
        var ids = new SpecialTokenIds(Require(options.ClsToken), Require(options.SepToken), Require(options.PadToken),
            Lookup(options.UnknownToken), Lookup(options.MaskToken));
        return new ByteLevelBpeTokenizer(bpe, ids, options);
    }

    private static void RequireFile(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} '{path}' does not exist.", path);
    }
}
