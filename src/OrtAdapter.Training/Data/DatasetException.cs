namespace OrtAdapter.Training.Data;

/// <summary>A data file that cannot be loaded as asked; the message names the file and the column, table or rows at fault.</summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string message) : base(message) => BadRows = [];

    public DatasetException(string message, Exception inner) : base(message, inner) => BadRows = [];

    public DatasetException(string message, IReadOnlyList<BadRow> badRows) : base(message) => BadRows = badRows;

    /// <summary>Every bad row found (empty for file-level errors such as a missing column).</summary>
    public IReadOnlyList<BadRow> BadRows { get; }
}
