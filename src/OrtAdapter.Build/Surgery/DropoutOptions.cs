using System.Text.Json;

namespace OrtAdapter.Build.Surgery;

/// <summary>Options of <see cref="DropoutPass"/>: BERT's dropout sites and rates.</summary>
public sealed class DropoutOptions
{
    /// <summary>Rate after the embedding layer norm and on each sublayer's output projection. Default 0.1 (BERT's hidden_dropout_prob).</summary>
    public float HiddenRate { get; init; } = 0.1f;

    /// <summary>Rate on the attention probabilities. Default 0.1 (BERT's attention_probs_dropout_prob).</summary>
    public float AttentionRate { get; init; } = 0.1f;

    /// <summary>
    /// Rates from a Hugging Face config.json: hidden_dropout_prob / attention_probs_dropout_prob (BERT, RoBERTa) or
    /// dropout / attention_dropout (DistilBERT); a missing key keeps the default 0.1.
    /// </summary>
    public static DropoutOptions FromConfig(string configJsonPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(configJsonPath));
        var root = doc.RootElement;
        float Read(float fallback, params string[] keys)
        {
            foreach (var k in keys)
                if (root.TryGetProperty(k, out var v))
                    return v.ValueKind == JsonValueKind.Number ? v.GetSingle()
                        : throw new FormatException($"{configJsonPath}: '{k}' should be a number, is {v.ValueKind}.");
            return fallback;
        }
        return new DropoutOptions
        {
            HiddenRate = Read(0.1f, "hidden_dropout_prob", "dropout"),
            AttentionRate = Read(0.1f, "attention_probs_dropout_prob", "attention_dropout"),
        };
    }

    internal static void CheckRate(float rate, string what)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(what, $"Dropout rate {what} must be in [0, 1), got {rate}.");
    }
}
