using System.Globalization;

namespace OrtAdapter.Training.Data;

/// <summary>Label names and their ids (0..Count-1), kept with a trained adapter so predictions can be named.</summary>
public sealed class LabelSet
{
    readonly string[] names;
    readonly Dictionary<string, int> ids;

    LabelSet(string[] names)
    {
        this.names = names;
        ids = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i])) throw new ArgumentException($"Label {i} has an empty name.", nameof(names));
            if (!ids.TryAdd(names[i], i)) throw new ArgumentException($"Label '{names[i]}' is listed twice.", nameof(names));
        }
    }

    /// <summary>A label set whose ids follow the given order (a fixed set, or one read back from an export).</summary>
    public static LabelSet FromNames(IEnumerable<string> names) => new([.. names]);

    /// <summary>
    /// The distinct names in a deterministic order that does not depend on row order: numerically when every
    /// name is an integer (so 0/1 labels keep ids 0/1 and "10" follows "9"), otherwise by ordinal string order.
    /// </summary>
    public static LabelSet Infer(IEnumerable<string> names)
    {
        var distinct = names.Distinct(StringComparer.Ordinal).ToArray();
        var numeric = distinct.All(n => long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        var ordered = numeric
            ? distinct.OrderBy(n => long.Parse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ThenBy(n => n, StringComparer.Ordinal)
            : distinct.OrderBy(n => n, StringComparer.Ordinal);
        return new([.. ordered]);
    }

    public int Count => names.Length;

    /// <summary>Names by id.</summary>
    public IReadOnlyList<string> Names => names;

    public string NameOf(int id) => (uint)id < (uint)names.Length
        ? names[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Label ids run from 0 to {names.Length - 1}.");

    public int IdOf(string name) => ids.TryGetValue(name, out var id)
        ? id
        : throw new KeyNotFoundException($"Unknown label '{name}' (known: {Describe()}).");

    public bool TryGetId(string name, out int id) => ids.TryGetValue(name, out id);

    public bool Contains(string name) => ids.ContainsKey(name);

    /// <summary>The first names, for error messages.</summary>
    internal string Describe(int max = 10) =>
        string.Join(", ", names.Take(max)) + (names.Length > max ? $", ... ({names.Length} in all)" : "");

    public override string ToString() => $"LabelSet[{Describe()}]";
}
