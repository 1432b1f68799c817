using System.Text.Json;

namespace OrtAdapter.Inference.Tokenization;

/// <summary>Reads the byte-level BPE model out of a Hugging Face <c>tokenizer.json</c>.</summary>
internal static class TokenizerJson
{
    public static (Dictionary<string, int> Vocab, List<string> Merges) ReadByteLevelBpe(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw Invalid(path, "has no \"model\" object");
            string? type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "BPE") throw Invalid(path, $"holds a {type ?? "untyped"} model; only byte-level BPE is supported here (a WordPiece model needs vocab.txt)");
            // Byte-level: the pre-tokenizer (or decoder) is ByteLevel, possibly inside a Sequence.
            bool byteLevel = (root.TryGetProperty("pre_tokenizer", out var pre) && pre.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal))
                || (root.TryGetProperty("decoder", out var dec) && dec.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal));
            if (!byteLevel) throw Invalid(path, "holds a BPE model that is not byte-level (no ByteLevel pre-tokenizer)");
            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in model.GetProperty("vocab").EnumerateObject()) vocab[entry.Name] = entry.Value.GetInt32();
            var merges = new List<string>();
            // Older files write "a b"; newer ones ["a", "b"]. Byte-level tokens never hold a space, so both join the same.
            foreach (var merge in model.GetProperty("merges").EnumerateArray())
                merges.Add(merge.ValueKind == JsonValueKind.Array ? $"{merge[0].GetString()} {merge[1].GetString()}" : merge.GetString()!);
            return (vocab, merges);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"Tokenizer file '{path}' is malformed: {ex.Message}", ex);
        }
    }

    private static InvalidDataException Invalid(string path, string problem) => new($"Tokenizer file '{path}' {problem}.");
}
