using System.Collections;
using System.Text.Json;

namespace OrtAdapter.Training.Data;

/// <summary>
/// The value kinds rows are interpreted from, whatever the source: null, string, long, double, bool,
/// <see cref="IReadOnlyList{T}"/> of these, <see cref="Missing"/> (no such key) or <see cref="Unsupported"/>.
/// </summary>
internal static class CellValue
{
    /// <summary>A JSON line without the column's key.</summary>
    public static readonly object Missing = new MissingMarker();

    /// <summary>A value of a type no column can use (JSON object, blob, date); kept for the message.</summary>
    public sealed record Unsupported(string TypeName);

    sealed class MissingMarker;

    public static object? Normalize(object? value) => value switch
    {
        null or DBNull => null,
        string or bool or long or double => value,
        ReadOnlyMemory<char> chars => chars.ToString(), // Parquet.Net's untyped string form
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        float f => (double)f,
        Half h => (double)h,
        decimal m => (double)m,
        JsonElement e => FromJson(e),
        byte[] => new Unsupported("binary"),
        IEnumerable list => list.Cast<object?>().Select(Normalize).ToList(),
        _ => new Unsupported(value.GetType().Name),
    };

    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.TryGetDouble(out var d) ? d : new Unsupported("number out of range"),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        _ => new Unsupported("object"),
    };

    /// <summary>A short name of the value's kind for messages ("a list", "a boolean").</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        string => "a string",
        long => "an integer",
        double => "a number",
        bool => "a boolean",
        IReadOnlyList<object?> => "a list",
        Unsupported u => $"a value of type {u.TypeName}",
        _ => value.GetType().Name,
    };
}
