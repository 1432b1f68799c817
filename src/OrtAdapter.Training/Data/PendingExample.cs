namespace OrtAdapter.Training.Data;

/// <summary>A good row before label ids exist (they need every row's labels first).</summary>
internal sealed record PendingExample(string Text, string? TextPair, string[] Labels, float? Target, RawRow Row,
    IReadOnlyDictionary<string, float[]> Vectors);
