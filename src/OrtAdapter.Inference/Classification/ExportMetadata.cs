using System.Globalization;
using System.Text.Json;
using OrtAdapter.Inference;

namespace OrtAdapter.Inference.Classification;

/// <summary>What an exported model's metadata says about its head and tokenizer; every error names the model file and key.</summary>
public sealed class ExportMetadata
{
    private ExportMetadata(string modelPath, IReadOnlyList<string> labels, TaskKind task, int? maxLength, bool? lowerCase,
        IReadOnlyDictionary<string, string> embeddedFiles, IReadOnlyList<string> besideFiles)
    {
        ModelPath = modelPath;
        Labels = labels;
        Task = task;
        MaxLength = maxLength;
        LowerCase = lowerCase;
        EmbeddedTokenizerFiles = embeddedFiles;
        TokenizerFilesBeside = besideFiles;
    }

    /// <summary>The model file the metadata came from.</summary>
    public string ModelPath { get; }

    /// <summary>The label names, one per logit.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The head's task.</summary>
    public TaskKind Task { get; }

    /// <summary>The recorded truncation length, if any.</summary>
    public int? MaxLength { get; }

    /// <summary>The recorded casing, if any (overrides the tokenizer config's <c>do_lower_case</c>).</summary>
    public bool? LowerCase { get; }

    /// <summary>Tokenizer files carried in the metadata: file name to content.</summary>
    public IReadOnlyDictionary<string, string> EmbeddedTokenizerFiles { get; }

    /// <summary>Tokenizer file names the metadata says lie beside the model (empty when it does not say).</summary>
    public IReadOnlyList<string> TokenizerFilesBeside { get; }

    /// <summary>Reads the metadata map of the model at <paramref name="modelPath"/>.</summary>
    /// <exception cref="ModelMetadataException">A required key is missing or a value is malformed; the message names the file and key.</exception>
    public static ExportMetadata Read(IReadOnlyDictionary<string, string> props, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(props);
        string Where(string key) => $"Model '{modelPath}': metadata key '{key}'";

        if (!props.TryGetValue(ExportMetadataKeys.Labels, out var labelsJson))
            throw new ModelMetadataException(
                $"{Where(ExportMetadataKeys.Labels)} is missing: the label names (a JSON array of strings) are needed. Is this an OrtAdapter export ('ortadapter export')?");
        var labels = StringArray(labelsJson, () => Where(ExportMetadataKeys.Labels));
        if (labels.Count == 0) throw new ModelMetadataException($"{Where(ExportMetadataKeys.Labels)} is an empty array.");

        var task = props.TryGetValue(ExportMetadataKeys.Task, out var taskText) ? ParseTask(taskText, Where(ExportMetadataKeys.Task)) : TaskKind.SingleLabel;

        int? maxLength = null;
        if (props.TryGetValue(ExportMetadataKeys.MaxLength, out var maxText))
        {
            if (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out int m) || m < 2)
                throw new ModelMetadataException($"{Where(ExportMetadataKeys.MaxLength)} must be an integer of at least 2, not '{maxText}'.");
            maxLength = m;
        }

        bool? lowerCase = null;
        if (props.TryGetValue(ExportMetadataKeys.LowerCase, out var lowerText))
            lowerCase = bool.TryParse(lowerText, out bool b) ? b
                : throw new ModelMetadataException($"{Where(ExportMetadataKeys.LowerCase)} must be true or false, not '{lowerText}'.");

        var embedded = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in props)
        {
            if (!key.StartsWith(ExportMetadataKeys.TokenizerFilePrefix, StringComparison.Ordinal)) continue;
            embedded[SafeFileName(key[ExportMetadataKeys.TokenizerFilePrefix.Length..], Where(key))] = value;
        }

        IReadOnlyList<string> beside = props.TryGetValue(ExportMetadataKeys.TokenizerFiles, out var filesJson)
            ? StringArray(filesJson, () => Where(ExportMetadataKeys.TokenizerFiles)).Select(f => SafeFileName(f, Where(ExportMetadataKeys.TokenizerFiles))).ToList()
            : [];

        return new ExportMetadata(modelPath, labels, task, maxLength, lowerCase, embedded, beside);
    }

    private static TaskKind ParseTask(string text, string where) =>
        text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "singlelabel" or "classification" => TaskKind.SingleLabel,
            "multilabel" => TaskKind.MultiLabel,
            "regression" => TaskKind.Regression,
            _ => throw new ModelMetadataException($"{where} must be single-label, multi-label or regression, not '{text}'."),
        };

    private static List<string> StringArray(string json, Func<string> where)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new ModelMetadataException($"{where()} must be a JSON array of strings, not {doc.RootElement.ValueKind}.");
            var items = new List<string>();
            foreach (var e in doc.RootElement.EnumerateArray())
                items.Add(e.ValueKind == JsonValueKind.String ? e.GetString()!
                    : throw new ModelMetadataException($"{where()} must hold only strings, found {e.GetRawText()}."));
            return items;
        }
        catch (JsonException ex)
        {
            throw new ModelMetadataException($"{where()} is not valid JSON: {ex.Message}", ex);
        }
    }

    // Tokenizer file names become paths: refuse anything that could leave the folder.
    private static string SafeFileName(string name, string where) =>
        name.Length > 0 && name == Path.GetFileName(name) && name is not ("." or "..")
            ? name
            : throw new ModelMetadataException($"{where}: '{name}' is not a plain file name.");
}
