namespace OrtAdapter.Inference.Tokenization;

/// <summary>Picks the tokenizer a model directory holds.</summary>
public static class TextTokenizer
{
    /// <summary>
    /// BERT WordPiece when <c>vocab.txt</c> exists; byte-level BPE when <c>vocab.json</c> + <c>merges.txt</c> or
    /// <c>tokenizer.json</c> exist. <c>tokenizer_config.json</c>, if present, gives casing and special-token names.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">No tokenizer files, or <c>merges.txt</c> missing beside <c>vocab.json</c>; the message names the directory and file.</exception>
    /// <exception cref="InvalidDataException">A tokenizer file is malformed; the message names it.</exception>
    public static ITextTokenizer FromModelDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Model directory '{directory}' does not exist.");
        bool Has(string file) => File.Exists(Path.Combine(directory, file));
        if (Has("vocab.txt")) return BertWordPieceTokenizer.FromModelDirectory(directory);
        if (Has("vocab.json") && !Has("merges.txt") && !Has("tokenizer.json"))
            throw new FileNotFoundException(
                $"Model directory '{directory}' has vocab.json but no merges.txt: byte-level BPE needs both (or tokenizer.json).",
                Path.Combine(directory, "merges.txt"));
        if (Has("vocab.json") && Has("merges.txt") || Has("tokenizer.json")) return ByteLevelBpeTokenizer.FromModelDirectory(directory);
        throw new FileNotFoundException(
            $"Model directory '{directory}' has no tokenizer: expected vocab.txt (BERT WordPiece), vocab.json + merges.txt, or tokenizer.json (byte-level BPE).",
            Path.Combine(directory, "vocab.txt"));
    }
}
