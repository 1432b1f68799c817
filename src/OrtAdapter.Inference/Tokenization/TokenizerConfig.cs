using System.Text.Json;

namespace OrtAdapter.Inference.Tokenization;

/// <summary>The fields of a Hugging Face <c>tokenizer_config.json</c> that OrtAdapter uses; every error names the file.</summary>
internal sealed class TokenizerConfig
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly string _path;

    private TokenizerConfig(string path) => _path = path;

    /// <summary>Reads <paramref name="path"/>; a missing file gives an empty config (all defaults).</summary>
    public static TokenizerConfig Read(string path)
    {
        var config = new TokenizerConfig(path);
        if (!File.Exists(path)) return config;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Tokenizer config '{path}' must hold a JSON object, not {doc.RootElement.ValueKind}.");
            foreach (var property in doc.RootElement.EnumerateObject())
                config._fields[property.Name] = property.Value.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Tokenizer config '{path}' is not valid JSON: {ex.Message}", ex);
        }
        return config;
    }

    /// <summary>A boolean field; null when absent or JSON null.</summary>
    public bool? GetBool(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var e => throw Invalid(name, "true or false", e.Value),
    };

    /// <summary>A length field; null when absent, or huge (Hugging Face writes 1e30 for "no limit").</summary>
    public int? GetLength(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out int value) && value > 0 => value,
        { ValueKind: JsonValueKind.Number } e when e.GetDouble() > int.MaxValue => null,
        var e => throw Invalid(name, "a positive integer", e.Value),
    };

    /// <summary>A token field: a string, or an AddedToken object with a "content" string.</summary>
    public string? GetToken(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        { ValueKind: JsonValueKind.Object } e when e.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        var e => throw Invalid(name, "a token string", e.Value),
    };

    private JsonElement? Get(string name) =>
        _fields.TryGetValue(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    private InvalidDataException Invalid(string name, string expected, JsonElement actual) =>
        new($"Tokenizer config '{_path}': \"{name}\" must be {expected}, not {actual.GetRawText()}.");
}
