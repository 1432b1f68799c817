namespace OrtAdapter.Training.Data;

/// <summary>
/// A row as a source read it: values of the requested columns (in request order, normalized by
/// <see cref="CellValue.Normalize"/>), or the reason it could not be read at all.
/// </summary>
/// <param name="Position">Sort key within the file (line, rowid or row index).</param>
/// <param name="Location">How the row is named in messages ("17", "rowid 5", "row index 3").</param>
internal readonly record struct RawRow(long Position, string Location, object?[]? Values, string? Error)
{
    public static RawRow Good(long position, string location, object?[] values) => new(position, location, values, null);

    public static RawRow Bad(long position, string location, string error) => new(position, location, null, error);
}
