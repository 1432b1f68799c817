using System.Text;
using System.Text.Json;

namespace OrtAdapter.Training.Reporting;

/// <summary>
/// Appends metrics to a JSON Lines file (metrics.jsonl), one object per line, flushed line by line so a killed run
/// loses at most the line being written. A resumed run first cuts the entries past its checkpoint's step.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    const string StepKey = "step", EpochKey = "epoch", SplitKey = "split";
    readonly StreamWriter writer;

    MetricsLog(string path, StreamWriter writer)
    {
        Path = path;
        this.writer = writer;
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="path"/>, creating it and its folder if needed.</summary>
    /// <param name="path">The metrics.jsonl file.</param>
    /// <param name="append">Keep the existing lines (a resumed run, after <see cref="TruncateAfter"/>); false starts an empty file. Default true.</param>
    public static MetricsLog Open(string path, bool append = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        var stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        return new(path, new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" });
    }

    /// <summary>Writes one line and flushes it to the operating system.</summary>
    public void Append(MetricsEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        writer.WriteLine(Serialize(entry));
        writer.Flush();
    }

    /// <summary>
    /// The entries of <paramref name="path"/> in file order (none when it does not exist). A last line that does not
    /// parse is taken for one torn by a crash and skipped; a bad line elsewhere throws.
    /// </summary>
    /// <exception cref="InvalidDataException">A line other than the last is not a metrics object; the message names its line number.</exception>
    public static IReadOnlyList<MetricsEntry> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var entries = new List<MetricsEntry>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try { entries.Add(Parse(lines[i])); }
            catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException)
            {
                if (i == lines.Length - 1) break;
                throw new InvalidDataException($"{path}:{i + 1}: not a metrics entry ({e.Message}).", e);
            }
        }
        return entries;
    }

    /// <summary>
    /// Keeps only the entries with <c>step &lt;= lastStep</c> (a resume from the checkpoint at that step), replacing the
    /// file through a temporary file so that a crash leaves either the old or the new file. Returns how many were kept.
    /// Call it before <see cref="Open"/>.
    /// </summary>
    public static int TruncateAfter(string path, long lastStep)
    {
        if (!File.Exists(path)) return 0;
        var kept = Read(path).Where(e => e.Step <= lastStep).ToList();
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, kept.Select(Serialize), new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
        return kept.Count;
    }

    public void Dispose() => writer.Dispose();

    internal static string Serialize(MetricsEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber(StepKey, entry.Step);
            json.WriteNumber(EpochKey, entry.Epoch);
            json.WriteString(SplitKey, entry.Split);
            foreach (var (name, value) in entry.Values)
            {
                if (name is StepKey or EpochKey or SplitKey) throw new ArgumentException($"'{name}' is a reserved key.", nameof(entry));
                if (double.IsFinite(value)) json.WriteNumber(name, value);
                else json.WriteNull(name);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static MetricsEntry Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the line is not a JSON object");
        long? step = null;
        int? epoch = null;
        string? split = null;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case StepKey: step = property.Value.GetInt64(); break;
                case EpochKey: epoch = property.Value.GetInt32(); break;
                case SplitKey: split = property.Value.GetString(); break;
                default:
                    values[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? double.NaN : property.Value.GetDouble();
                    break;
            }
        }
        if (step is null || epoch is null || split is null) throw new InvalidDataException("step, epoch or split is missing");
        return new(step.Value, epoch.Value, split, values);
    }
}
