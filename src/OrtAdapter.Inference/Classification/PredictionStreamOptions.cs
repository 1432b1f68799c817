namespace OrtAdapter.Inference.Classification;

/// <summary>Options of <see cref="PredictionStream.Run"/>.</summary>
public sealed class PredictionStreamOptions
{
    /// <summary>Read JSON Lines (one object per line) rather than one plain text per line. Default false.</summary>
    public bool Jsonl { get; init; }

    /// <summary>The JSONL field holding the text. Default "text".</summary>
    public string TextField { get; init; } = "text";

    /// <summary>The JSONL field holding the optional second text of a pair; null (default) reads no pairs.</summary>
    public string? PairField { get; init; }

    /// <summary>Lines read before each <see cref="TextClassifier.PredictBatch"/> call. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The input's name in error messages. Default "&lt;stdin&gt;".</summary>
    public string SourceName { get; init; } = "<stdin>";
}
