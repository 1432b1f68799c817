namespace OrtAdapter.Training.Data;

/// <summary>The examples of one data file.</summary>
/// <param name="Path">The file, as the caller named it.</param>
/// <param name="Examples">Good rows, in file order.</param>
/// <param name="BadRows">Rows left out (only with <see cref="DatasetOptions.SkipBadRows"/>), in file order.</param>
/// <param name="Labels">Label names and ids; null for regression.</param>
public sealed record LoadResult(string Path, IReadOnlyList<Example> Examples, IReadOnlyList<BadRow> BadRows, LabelSet? Labels);
