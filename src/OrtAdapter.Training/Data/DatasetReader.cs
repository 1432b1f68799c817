using System.Text;
using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;

namespace OrtAdapter.Training.Data;

/// <summary>
/// Loads learning data from .jsonl/.json (JSON Lines), .csv, .tsv, .parquet and .db/.sqlite/.sqlite3 files.
/// Every row is checked before any is returned: bad rows fail the load with one <see cref="DatasetException"/>
/// naming them (file:line: reason), or are left out and reported when <see cref="DatasetOptions.SkipBadRows"/> is set.
/// Files are only read.
/// </summary>
public static class DatasetReader
{
    /// <summary>File extensions (lower case, with the dot) that <see cref="Read"/> accepts.</summary>
    public static readonly IReadOnlyList<string> SupportedExtensions = [".jsonl", ".json", ".csv", ".tsv", ".parquet", ".db", ".sqlite", ".sqlite3"];

    /// <summary>Loads one file; the label set is inferred from it unless <see cref="DatasetOptions.Labels"/> fixes one.</summary>
    public static LoadResult Read(string path, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        var loaded = Load([path], options);
        return new LoadResult(path, loaded.Examples[0], loaded.BadRows, loaded.Labels);
    }

    /// <summary>
    /// Loads splits given as separate files (dev and test optional). They share one label set, inferred from
    /// all of them together so that ids agree, and are all checked before any error is raised.
    /// </summary>
    public static DatasetSplits ReadSplits(string trainPath, string? devPath, string? testPath, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        string[] paths = [trainPath, .. new[] { devPath, testPath }.OfType<string>()];
        var loaded = Load(paths, options);
        var next = 1;
        var dev = devPath is null ? [] : loaded.Examples[next++];
        var test = testPath is null ? [] : loaded.Examples[next];
        return new DatasetSplits(loaded.Examples[0], dev, test, loaded.Labels, loaded.BadRows);
    }

    sealed record Loaded(List<Example>[] Examples, List<BadRow> BadRows, LabelSet? Labels);

    static Loaded Load(string[] paths, DatasetOptions options)
    {
        var bad = new List<(int File, long Position, BadRow Row)>();
        var pending = new List<PendingExample>[paths.Length];
        for (var f = 0; f < paths.Length; f++)
        {
            pending[f] = [];
            foreach (var row in ReadRows(paths[f], options))
            {
                var reason = RowInterpreter.Interpret(row, options, out var example);
                if (reason is null) pending[f].Add(example!);
                else bad.Add((f, row.Position, new BadRow(paths[f], row.Location, reason)));
            }
        }

        // The label set is the training file's (a class with no training rows cannot be learned); ids are given once it is known.
        var labels = options.Task == TaskKind.Regression
            ? null
            : options.Labels ?? LabelSet.Infer(pending[0].SelectMany(e => e.Labels));
        var examples = new List<Example>[paths.Length];
        for (var f = 0; f < paths.Length; f++)
        {
            examples[f] = new List<Example>(pending[f].Count);
            var origin = Path.GetFileName(paths[f]) + ":";
            foreach (var p in pending[f])
            {
                var unknown = labels is null ? null : p.Labels.FirstOrDefault(n => !labels.Contains(n));
                if (unknown is not null)
                {
                    var reason = options.Labels is null
                        ? $"column '{options.LabelColumn}' has label '{unknown}', which the training data ({Path.GetFileName(paths[0])}) does not have (its labels: {labels!.Describe()})"
                        : $"column '{options.LabelColumn}' has unknown label '{unknown}' (known: {labels!.Describe()})";
                    bad.Add((f, p.Row.Position, new BadRow(paths[f], p.Row.Location, reason)));
                    continue;
                }
                int[] ids = labels is null ? [] : [.. p.Labels.Select(labels.IdOf).Order()];
                examples[f].Add(new Example(p.Text, p.TextPair, ids, p.Target, origin + p.Row.Location, p.Vectors.Count == 0 ? null : p.Vectors));
            }
        }

        List<BadRow> badRows = [.. bad.OrderBy(b => b.File).ThenBy(b => b.Position).Select(b => b.Row)];
        if (badRows.Count > 0 && !options.SkipBadRows) throw new DatasetException(Describe(badRows, paths, options.MaxReportedBadRows), badRows);
        for (var f = 0; f < paths.Length; f++)
        {
            if (examples[f].Count == 0) throw new DatasetException($"{paths[f]}: no usable rows ({bad.Count(b => b.File == f)} bad).", badRows);
        }
        return new Loaded(examples, badRows, labels);
    }

    /// <summary>"N bad rows in train.jsonl (/full/path)", then the first rows as file:line: reason.</summary>
    static string Describe(List<BadRow> bad, string[] paths, int max)
    {
        var text = new StringBuilder();
        var counts = paths.Distinct().Select(p => (Path: p, Count: bad.Count(b => b.File == p))).Where(c => c.Count > 0);
        text.Append(string.Join("; ", counts.Select(c => $"{c.Path}: {c.Count} bad row{(c.Count == 1 ? "" : "s")}")));
        text.Append(". Fix them, or leave them out with --skip-bad-rows (DatasetOptions.SkipBadRows). ");
        text.Append(bad.Count > max ? $"First {max}:" : "Rows:");
        foreach (var row in bad.Take(max)) text.Append('\n').Append("  ").Append(row);
        if (bad.Count > max) text.Append('\n').Append($"  ... and {bad.Count - max} more");
        return text.ToString();
    }

    static IEnumerable<RawRow> ReadRows(string path, DatasetOptions options)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (!SupportedExtensions.Contains(ext))
            throw new DatasetException($"{path}: unknown data file extension '{ext}' (supported: {string.Join(", ", SupportedExtensions)}).");
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found.");
        var columns = RowInterpreter.Columns(options);
        return ext switch
        {
            ".jsonl" or ".json" => Utf8Lines.MarkInvalid(path, header: false, () => JsonLinesSource.Read(path, columns)),
            ".csv" => Utf8Lines.MarkInvalid(path, header: true, () => CsvSource.Read(path, columns, options.Delimiter ?? ',', quoted: true)),
            ".tsv" => Utf8Lines.MarkInvalid(path, header: true, () => CsvSource.Read(path, columns, options.Delimiter ?? '\t', quoted: false)),
            ".parquet" => ParquetSource.Read(path, columns),
            _ => SqliteSource.Read(path, columns, options),
        };
    }
}
