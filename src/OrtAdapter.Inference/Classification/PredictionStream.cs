using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrtAdapter.Inference.Classification;

/// <summary>
/// Line-oriented prediction (what <c>ortadapter predict</c> runs): plain lines or JSON Lines in, one JSON object per
/// text out: <c>{"text": ..., "label": ..., "probabilities": {name: p, ...}}</c> (plus <c>"pair"</c> for pairs).
/// Blank lines are skipped. Input is read and written a batch at a time, so any size streams through; a malformed line
/// stops the run with the batches before it already written.
/// </summary>
public static class PredictionStream
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Predicts every text of <paramref name="input"/>, writing one JSON line each to <paramref name="output"/>.</summary>
    /// <returns>The number of texts predicted.</returns>
    /// <exception cref="InvalidDataException">A JSONL line is malformed or lacks the text field; the message names the source and line number.</exception>
    public static int Run(TextClassifier classifier, TextReader input, TextWriter output, PredictionStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new PredictionStreamOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options) + "." + nameof(options.BatchSize));
        bool withPairs = options.Jsonl && options.PairField is not null;
        var texts = new List<string>(options.BatchSize);
        var pairs = new List<string>(options.BatchSize);
        int lineNumber = 0, count = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (options.Jsonl)
            {
                var (text, pair) = ParseJsonLine(line, lineNumber, options);
                texts.Add(text);
                if (withPairs) pairs.Add(pair!);
            }
            else
            {
                texts.Add(line);
            }
            if (texts.Count == options.BatchSize) count += Flush(classifier, texts, withPairs ? pairs : null, output);
        }
        count += Flush(classifier, texts, withPairs ? pairs : null, output);
        output.Flush();
        return count;
    }

    private static (string Text, string? Pair) ParseJsonLine(string line, int lineNumber, PredictionStreamOptions options)
    {
        string where = $"{options.SourceName}: line {lineNumber}";
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{where}: expected a JSON object, found {doc.RootElement.ValueKind}.");
            string text = StringField(doc.RootElement, options.TextField, where);
            string? pair = options.PairField is null ? null : StringField(doc.RootElement, options.PairField, where);
            return (text, pair);
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

    private static int Flush(TextClassifier classifier, List<string> texts, List<string>? pairs, TextWriter output)
    {
        if (texts.Count == 0) return 0;
        var predictions = classifier.PredictBatch(texts, pairs);
        var buffer = new MemoryStream();
        for (int i = 0; i < texts.Count; i++)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer, WriterOptions))
            {
                json.WriteStartObject();
                json.WriteString("text", texts[i]);
                if (pairs is not null) json.WriteString("pair", pairs[i]);
                json.WriteString("label", predictions[i].Label);
                if (classifier.Task == ClassifierTask.MultiLabel)
                {
                    json.WriteStartArray("labels");
                    foreach (var label in predictions[i].Labels) json.WriteStringValue(label);
                    json.WriteEndArray();
                }
                json.WriteStartObject("probabilities");
                for (int k = 0; k < classifier.Labels.Count; k++) json.WriteNumber(classifier.Labels[k], predictions[i].Probabilities[k]);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        output.Flush(); // a consumer reading the pipe sees each batch as soon as it is done
        int n = texts.Count;
        texts.Clear();
        pairs?.Clear();
        return n;
    }
}
