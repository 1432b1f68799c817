using System.Globalization;
using CsvHelper;

namespace OrtAdapter.Training.Data;

/// <summary>
/// CSV with a header row and RFC 4180 quoting (quoted fields may span lines; a stray quote inside an unquoted field
/// is kept as text; other quoting faults are bad rows), or TSV, which has no quoting: a field is everything between
/// tabs, quotes included (a leading quote used to swallow the rows after it). Rows with the wrong number of fields are
/// bad rows.
/// </summary>
internal static class CsvSource
{
    public static List<RawRow> Read(string path, string[] columns, char separator, bool quoted)
    {
        var rows = new List<RawRow>();
        // Malformed records are reported by the scanner, possibly before earlier records are returned:
        // skipped ones become bad rows here, recovered ones are marked bad when they are returned.
        var recovered = new Dictionary<long, string>();
        var options = CsvReaderOptions.Default with
        {
            Separator = separator,
            HasHeader = true,
            Mode = quoted ? CsvMode.Rfc4180 : CsvMode.NoEscape,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = r =>
            {
                if (r.Reason == CsvMalformedReason.StrayQuote) return;
                if (r.Skipped) rows.Add(RawRow.Bad(r.LineNumber, Location(r.LineNumber), Describe(r.Reason)));
                else recovered.TryAdd(r.LineNumber, Describe(r.Reason));
            },
        };
        using var reader = CsvReader.FromFile(path, options);
        var headers = reader.Headers;
        var indexes = new int[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            if (!reader.TryGetFieldIndex(columns[i], out indexes[i]))
                throw new DatasetException($"{path}: no column '{columns[i]}' in the header (columns: {string.Join(", ", headers)}).");
        }
        while (reader.Read())
        {
            var line = reader.LineNumber;
            if (recovered.TryGetValue(line, out var reason))
            {
                rows.Add(RawRow.Bad(line, Location(line), reason));
                continue;
            }
            var values = new object?[columns.Length];
            for (var i = 0; i < columns.Length; i++) values[i] = reader.GetString(indexes[i]);
            rows.Add(RawRow.Good(line, Location(line), values));
        }
        rows.Sort((a, b) => a.Position.CompareTo(b.Position));
        return rows;
    }

    static string Location(long line) => line.ToString(CultureInfo.InvariantCulture);

    static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "wrong column count (differs from the header)",
        CsvMalformedReason.UnterminatedQuote => "quoted field is never closed",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a field",
        _ => $"malformed CSV ({reason})",
    };
}
