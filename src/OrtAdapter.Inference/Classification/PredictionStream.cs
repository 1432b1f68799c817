using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrtAdapter.Inference;

namespace OrtAdapter.Inference.Classification;

/// <summary>
/// Line-oriented prediction (what <c>ortadapter predict</c> runs): plain lines or JSON Lines in, one JSON object per
/// text out. A JSONL row comes back with all its fields as they were (ids, gold labels, anything) plus one added field,
/// <c>"prediction": {"line": N, "label": ..., "probabilities": {name: p, ...}}</c> (multi-label: also <c>"labels"</c>),
/// so a prediction is never confused with a gold <c>label</c> column and every output row names its input line. A plain
/// line becomes <c>{"text": ..., "prediction": {...}}</c>. Blank lines are skipped. Input is read and written a batch
/// at a time, so any size streams through; a malformed line stops the run with the batches before it already written.
/// </summary>
public static class PredictionStream
{
    /// <summary>The one field that predict adds to each row.</summary>
    public const string PredictionField = "prediction";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One input row: its text (and pair), its line, and for JSONL the row itself to echo back.</summary>
    private sealed record Row(string Text, string? Pair, int Line, JsonElement? Source);

    /// <summary>Predicts every text of <paramref name="input"/>, writing one JSON line each to <paramref name="output"/>.</summary>
    /// <returns>The number of texts predicted.</returns>
    /// <exception cref="InvalidDataException">A JSONL line is malformed, lacks the text field or already has a "prediction" field; the message names the source and line number.</exception>
    public static int Run(TextClassifier classifier, TextReader input, TextWriter output, PredictionStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new PredictionStreamOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options) + "." + nameof(options.BatchSize));
        var rows = new List<Row>(options.BatchSize);
        int lineNumber = 0, count = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            rows.Add(options.Jsonl ? ParseJsonLine(line, lineNumber, options) : new Row(line, null, lineNumber, null));
            if (rows.Count == options.BatchSize) count += Flush(classifier, rows, output);
        }
        count += Flush(classifier, rows, output);
        output.Flush();
        return count;
    }

    private static Row ParseJsonLine(string line, int lineNumber, PredictionStreamOptions options)
    {
        string where = $"{options.SourceName}: line {lineNumber}";
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{where}: expected a JSON object, found {doc.RootElement.ValueKind}.");
            if (doc.RootElement.TryGetProperty(PredictionField, out _))
                throw new InvalidDataException($"{where}: already has a field \"{PredictionField}\", which predict adds; rename it.");
            string text = StringField(doc.RootElement, options.TextField, where);
            string? pair = options.PairField is null ? null : StringField(doc.RootElement, options.PairField, where);
            return new Row(text, pair, lineNumber, doc.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON: {ex.Message}", ex);
        }
    }

    private static string StringField(JsonElement row, string field, string where) =>
        !row.TryGetProperty(field, out var value)
            ? throw new InvalidDataException($"{where}: no field \"{field}\".")
            : value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new InvalidDataException($"{where}: field \"{field}\" must be a string, not {value.ValueKind}.");

    private static int Flush(TextClassifier classifier, List<Row> rows, TextWriter output)
    {
        if (rows.Count == 0) return 0;
        var withPairs = rows[0].Pair is not null;
        var predictions = classifier.PredictBatch(rows.Select(r => r.Text).ToList(), withPairs ? rows.Select(r => r.Pair!).ToList() : null);
        var buffer = new MemoryStream();
        for (int i = 0; i < rows.Count; i++)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer, WriterOptions))
            {
                json.WriteStartObject();
                if (rows[i].Source is { } source)
                    foreach (var field in source.EnumerateObject()) field.WriteTo(json);
                else
                    json.WriteString("text", rows[i].Text);
                json.WriteStartObject(PredictionField);
                json.WriteNumber("line", rows[i].Line);
                json.WriteString("label", predictions[i].Label);
                if (classifier.Task == TaskKind.MultiLabel)
                {
                    json.WriteStartArray("labels");
                    foreach (var label in predictions[i].Labels) json.WriteStringValue(label);
                    json.WriteEndArray();
                }
                json.WriteStartObject("probabilities");
                for (int k = 0; k < classifier.Labels.Count; k++) json.WriteNumber(classifier.Labels[k], predictions[i].Probabilities[k]);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        output.Flush(); // a consumer reading the pipe sees each batch as soon as it is done
        int n = rows.Count;
        rows.Clear();
        return n;
    }
}
