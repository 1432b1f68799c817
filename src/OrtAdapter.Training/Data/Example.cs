namespace OrtAdapter.Training.Data;

/// <summary>
/// One learning example. Classification examples carry label ids (one for single-label, sorted and distinct
/// for multi-label) and no target; regression examples carry a target and no ids.
/// </summary>
/// <param name="Origin">Where the row came from, such as "train.jsonl:17", "reviews.db:rowid 5" or "data.parquet:row index 3".</param>
/// <param name="Vectors">The row's number lists by the graph input they feed (teacher logits, a target embedding), as <see cref="DatasetOptions.VectorColumns"/> names them; null for none.</param>
public sealed record Example(string Text, string? TextPair, int[] LabelIds, float? Target, string Origin,
    IReadOnlyDictionary<string, float[]>? Vectors = null)
{
    /// <summary>The row's number list for graph input <paramref name="input"/>, or null.</summary>
    public float[]? Vector(string input) => Vectors?.GetValueOrDefault(input);

    /// <summary>The single label id; throws for multi-label rows with other than one label and for regression.</summary>
    public int LabelId => LabelIds.Length == 1
        ? LabelIds[0]
        : throw new InvalidOperationException($"{Origin}: example has {LabelIds.Length} label ids, not one.");
}
