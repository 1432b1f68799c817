using System.Text.Unicode;

namespace OrtAdapter.Training.Data;

/// <summary>
/// Finds the lines of a text file that are not valid UTF-8. Text readers decode such bytes to U+FFFD without a word,
/// which would train on damaged text; the data readers make those rows bad rows instead (file:line).
/// </summary>
internal static class Utf8Lines
{
    /// <summary>1-based numbers of the lines holding invalid UTF-8, in order.</summary>
    public static List<long> Invalid(string path)
    {
        var bytes = File.ReadAllBytes(path).AsSpan();
        var invalid = new List<long>();
        // A UTF-16 file (with its byte order mark) is decoded as such by the readers.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return invalid;
        long line = 1;
        while (bytes.Length > 0)
        {
            var end = bytes.IndexOf((byte)'\n');
            var text = end < 0 ? bytes : bytes[..end];
            if (!Utf8.IsValid(text)) invalid.Add(line);
            if (end < 0) break;
            bytes = bytes[(end + 1)..];
            line++;
        }
        return invalid;
    }

    /// <summary>
    /// Reads the rows, then marks the row each invalid line belongs to (the last row starting at or before it) as bad.
    /// An invalid header line fails the file before the header is read.
    /// </summary>
    public static List<RawRow> MarkInvalid(string path, bool header, Func<List<RawRow>> read)
    {
        var invalid = Invalid(path);
        if (header && invalid.FirstOrDefault() == 1) throw new DatasetException($"{path}:1: invalid UTF-8 in the header; save the file as UTF-8.");
        var rows = read();
        foreach (var line in invalid)
        {
            var index = rows.FindLastIndex(r => r.Position <= line);
            if (index < 0) continue;
            var row = rows[index];
            if (row.Error is null) rows[index] = RawRow.Bad(row.Position, row.Location, $"invalid UTF-8 (line {line}); save the file as UTF-8");
        }
        return rows;
    }
}
