using System.Globalization;
using Parquet.Serialization;

namespace OrtAdapter.Training.Data;

/// <summary>Parquet: top-level columns of any row group; rows are located by their 0-based index in the file.</summary>
internal static class ParquetSource
{
    public static List<RawRow> Read(string path, string[] columns)
    {
        IList<Dictionary<string, object>> data;
        IReadOnlyList<string> names;
        try
        {
            ParquetFooter.Check(path);
            using var stream = File.OpenRead(path);
            // Run off the caller's synchronization context (the reader is async-only), under a deadline: Parquet.Net
            // 6.1 loops forever on some damaged metadata that is well-formed Thrift (AFL found 7 such files), and a
            // hang is worse than an error. 30 s plus 10 s per MB leaves any sound file ample time.
            var read = Task.Run(() => ParquetSerializer.DeserializeUntypedAsync(stream));
            var deadline = TimeSpan.FromSeconds(30 + stream.Length / 100_000.0);
            if (!((IAsyncResult)read).AsyncWaitHandle.WaitOne(deadline))
                throw new TimeoutException($"the Parquet reader did not finish in {deadline.TotalSeconds:F0} s (its metadata is likely damaged)");
            var result = read.GetAwaiter().GetResult();
            data = result.Data;
            names = [.. result.Schema.Fields.Select(f => f.Name)];
        }
        // Parquet.Net reports a damaged file with whatever its decoder hits (Thrift, overflow, index errors, and an
        // OutOfMemoryException when a damaged length asks for an array over .NET's limit, before allocating it): any
        // failure of the parse is the file's fault.
        catch (Exception e)
        {
            throw new DatasetException($"{path}: not a readable Parquet file: {e.Message}", e);
        }
        foreach (var column in columns)
        {
            if (!names.Contains(column))
                throw new DatasetException($"{path}: no column '{column}' (columns: {string.Join(", ", names)}).");
        }
        var rows = new List<RawRow>(data.Count);
        for (var r = 0; r < data.Count; r++)
        {
            var values = new object?[columns.Length];
            for (var i = 0; i < columns.Length; i++)
                values[i] = data[r].TryGetValue(columns[i], out var v) ? CellValue.Normalize(v) : null;
            rows.Add(RawRow.Good(r, "row index " + r.ToString(CultureInfo.InvariantCulture), values));
        }
        return rows;
    }
}
