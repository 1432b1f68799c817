using System.Text.Json;

namespace OrtAdapter.Training.Data;

/// <summary>JSON Lines: one object per line; blank lines are passed over.</summary>
internal static class JsonLinesSource
{
    public static List<RawRow> Read(string path, string[] columns)
    {
        var rows = new List<RawRow>();
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        long line = 0;
        for (var text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            rows.Add(ReadLine(text, line, columns));
        }
        return rows;
    }

    static RawRow ReadLine(string text, long line, string[] columns)
    {
        var location = line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return RawRow.Bad(line, location, $"expected a JSON object, got {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            var values = new object?[columns.Length];
            for (var i = 0; i < columns.Length; i++)
                values[i] = doc.RootElement.TryGetProperty(columns[i], out var e) ? CellValue.FromJson(e) : CellValue.Missing;
            return RawRow.Good(line, location, values);
        }
        catch (JsonException e)
        {
            return RawRow.Bad(line, location, $"unparsable JSON: {e.Message}");
        }
    }
}
