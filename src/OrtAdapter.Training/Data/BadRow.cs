namespace OrtAdapter.Training.Data;

/// <summary>A row that could not become an example.</summary>
/// <param name="File">The data file, as the caller named it.</param>
/// <param name="Location">Line number ("17"), "rowid 5", "row 3" (SQLite query results) or "row index 3" (Parquet, 0-based).</param>
/// <param name="Reason">What is wrong, naming the column where one is at fault.</param>
public sealed record BadRow(string File, string Location, string Reason)
{
    /// <summary>"train.jsonl:17: reason", as compilers report errors.</summary>
    public override string ToString() => $"{Path.GetFileName(File)}:{Location}: {Reason}";
}
