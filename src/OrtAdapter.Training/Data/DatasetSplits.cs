namespace OrtAdapter.Training.Data;

/// <summary>Train, dev and test examples sharing one label set (dev or test may be empty).</summary>
/// <param name="Labels">Label names and ids of all splits; null for regression.</param>
/// <param name="BadRows">Rows left out of any split (only with <see cref="DatasetOptions.SkipBadRows"/>).</param>
public sealed record DatasetSplits(
    IReadOnlyList<Example> Train,
    IReadOnlyList<Example> Dev,
    IReadOnlyList<Example> Test,
    LabelSet? Labels,
    IReadOnlyList<BadRow> BadRows);
