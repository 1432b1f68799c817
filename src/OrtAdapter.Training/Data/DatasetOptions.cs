using OrtAdapter.Inference;

namespace OrtAdapter.Training.Data;

/// <summary>Which columns of a data file hold the texts and labels, and how strictly rows are checked.</summary>
public sealed class DatasetOptions
{
    public static readonly DatasetOptions Default = new();

    /// <summary>Column with the text. Default "text".</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>Column with the second text of pair tasks (entailment, similarity); null for single texts. Default null.</summary>
    public string? TextPairColumn { get; init; }

    /// <summary>Column with the label(s) or regression target. Default "label".</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>
    /// Columns of per-row number lists, by the graph input they feed: "teacher_logits" (C numbers, for a "kd" loss
    /// term), "target_embedding" (H numbers, the pooled width, for "cosine"), or any data input a loss declares. A list,
    /// or a JSON array in text formats. Default none.
    /// </summary>
    public IReadOnlyDictionary<string, string> VectorColumns { get; init; } = new Dictionary<string, string>();

    /// <summary><see cref="VectorColumns"/> in a fixed order (by input name): the order rows carry them in.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> OrderedVectorColumns => [.. VectorColumns.OrderBy(kv => kv.Key, StringComparer.Ordinal)];

    /// <summary>How the label column is read. Default <see cref="TaskKind.SingleLabel"/>.</summary>
    public TaskKind Task { get; init; } = TaskKind.SingleLabel;

    /// <summary>CSV/TSV field separator; null picks ',' for .csv and tab for .tsv. Default null.</summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// Separator of multi-label strings such as "sports,politics" (labels are trimmed). List columns and
    /// strings holding a JSON array ("[\"a\",\"b\"]") need none. Default ','.
    /// </summary>
    public char LabelSeparator { get; init; } = ',';

    /// <summary>SQLite table (or view) to read; null with no query reads the database's only table. Default null.</summary>
    public string? SqliteTable { get; init; }

    /// <summary>SQLite query to read instead of a table; a column named rowid in its result locates bad rows. Default null.</summary>
    public string? SqliteQuery { get; init; }

    /// <summary>
    /// Fixed label set: ids follow its order and labels outside it are bad rows. Null infers the set from the
    /// data (see <see cref="LabelSet.Infer"/>). Ignored for regression. Default null.
    /// </summary>
    public LabelSet? Labels { get; init; }

    /// <summary>Whether bad rows are left out and reported in the result instead of failing the load. Default false.</summary>
    public bool SkipBadRows { get; init; }

    /// <summary>How many bad rows the exception message lists before "and N more". Default 10.</summary>
    public int MaxReportedBadRows { get; init; } = 10;
}
