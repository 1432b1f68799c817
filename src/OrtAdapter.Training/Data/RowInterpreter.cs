using System.Globalization;
using System.Text.Json;
using OrtAdapter.Inference;

namespace OrtAdapter.Training.Data;

/// <summary>Turns source values into texts and label names or targets, or says why a row is bad.</summary>
internal static class RowInterpreter
{
    /// <summary>
    /// The columns sources read, in the order <see cref="RawRow.Values"/> holds them: text, label, the pair column when
    /// set, then the vector columns.
    /// </summary>
    public static string[] Columns(DatasetOptions o) =>
        [o.TextColumn, o.LabelColumn, .. new[] { o.TextPairColumn }.OfType<string>(), .. o.OrderedVectorColumns.Select(kv => kv.Value)];

    /// <summary>Null and <paramref name="example"/> set, or the reason the row is bad.</summary>
    public static string? Interpret(RawRow row, DatasetOptions o, out PendingExample? example)
    {
        example = null;
        if (row.Error is not null) return row.Error;
        var values = row.Values!;

        var error = ReadText(values[0], o.TextColumn, out var text);
        if (error is not null) return error;
        int next = 2;
        string? pair = null;
        if (o.TextPairColumn is not null && (error = ReadText(values[next++], o.TextPairColumn, out pair)) is not null) return error;
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (input, column) in o.OrderedVectorColumns)
        {
            if ((error = ReadVector(values[next++], column, out var vector)) is not null) return error;
            vectors[input] = vector!;
        }

        string[] labels = [];
        float? target = null;
        error = o.Task switch
        {
            TaskKind.Regression => ReadTarget(values[1], o.LabelColumn, out target),
            TaskKind.MultiLabel => ReadLabels(values[1], o.LabelColumn, o.LabelSeparator, out labels),
            _ => ReadLabel(values[1], o.LabelColumn, out labels),
        };
        if (error is not null) return error;
        example = new PendingExample(text!, pair, labels, target, row, vectors);
        return null;
    }

    static string? Absent(object? value, string column) => value switch
    {
        _ when ReferenceEquals(value, CellValue.Missing) => $"column '{column}' is missing",
        null => $"column '{column}' is null",
        string s when string.IsNullOrWhiteSpace(s) => $"column '{column}' is empty",
        _ => null,
    };

    static string? ReadText(object? value, string column, out string? text)
    {
        text = value as string;
        if (Absent(value, column) is { } absent) return absent;
        return text is null ? $"column '{column}' has {CellValue.Describe(value)}, expected text" : null;
    }

    static string? ReadLabel(object? value, string column, out string[] labels)
    {
        labels = [];
        if (Absent(value, column) is { } absent) return absent;
        if (value is IReadOnlyList<object?>) return $"column '{column}' has a list; use TaskKind.MultiLabel for several labels";
        var error = LabelName(value, column, out var name);
        if (error is null) labels = [name!];
        return error;
    }

    static string? LabelName(object? value, string column, out string? name)
    {
        name = value switch
        {
            string s => s.Trim(),
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d when double.IsFinite(d) && d == Math.Round(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => null,
        };
        if (name is not null) return name.Length == 0 ? $"column '{column}' has an empty label" : null;
        return value is double
            ? $"column '{column}' has the non-integer number {((double)value).ToString(CultureInfo.InvariantCulture)}; use TaskKind.Regression for targets"
            : $"column '{column}' has {CellValue.Describe(value)}, expected a label";
    }

    static string? ReadLabels(object? value, string column, char separator, out string[] labels)
    {
        labels = [];
        if (Absent(value, column) is { } absent) return absent;
        IReadOnlyList<object?>? items = value switch
        {
            IReadOnlyList<object?> list => list,
            string s when s.TrimStart().StartsWith('[') => ParseJsonList(s),
            string s => [.. s.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
            _ => [value],
        };
        if (items is null) return $"column '{column}' starts with '[' but is not a JSON array of labels";
        var names = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item is null || item is IReadOnlyList<object?>) return $"column '{column}' has {CellValue.Describe(item)} in its label list";
            var error = LabelName(item, column, out var name);
            if (error is not null) return error;
            if (!names.Contains(name!)) names.Add(name!);
        }
        labels = [.. names];
        return null;
    }

    static IReadOnlyList<object?>? ParseJsonList(string s)
    {
        try
        {
            using var doc = JsonDocument.Parse(s);
            return CellValue.FromJson(doc.RootElement) as IReadOnlyList<object?>;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string? ReadTarget(object? value, string column, out float? target)
    {
        target = null;
        if (Absent(value, column) is { } absent) return absent;
        double? number = value switch
        {
            long l => l,
            double d => d,
            string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
        if (number is null) return $"column '{column}' has {Shown(value)}, expected a number";
        var f = (float)number.Value;
        if (!float.IsFinite(f)) return $"column '{column}' has {Shown(value)}, which is not a finite float";
        target = f;
        return null;
    }

    /// <summary>A non-empty list of finite numbers: a list value, or a string holding a JSON array (CSV, TSV, SQLite text).</summary>
    static string? ReadVector(object? value, string column, out float[]? vector)
    {
        vector = null;
        if (Absent(value, column) is { } absent) return absent;
        var items = value switch
        {
            IReadOnlyList<object?> list => list,
            string s when s.TrimStart().StartsWith('[') => ParseJsonList(s),
            _ => null,
        };
        if (items is null) return $"column '{column}' has {Shown(value)}, expected a list of numbers (a JSON array in text formats)";
        if (items.Count == 0) return $"column '{column}' has an empty list";
        var result = new float[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            double? number = items[i] switch { long l => l, double d => d, _ => null };
            if (number is null) return $"column '{column}' has {CellValue.Describe(items[i])} at position {i}, expected a number";
            result[i] = (float)number.Value;
            if (!float.IsFinite(result[i])) return $"column '{column}' has {number.Value.ToString(CultureInfo.InvariantCulture)} at position {i}, which is not a finite float";
        }
        vector = result;
        return null;
    }

    static string Shown(object? value) => value is string s ? $"'{s}'" : CellValue.Describe(value);
}
