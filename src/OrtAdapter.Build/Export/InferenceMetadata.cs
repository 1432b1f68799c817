using System.Reflection;
using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>
/// What an application needs besides the graph to use an exported model, as string key/value pairs: written to
/// the lean model's <c>metadata_props</c> and to the adapter file's safetensors <c>__metadata__</c> (so attach
/// reproduces the export exactly). The tokenizer files are embedded as their full text (one key per file), so
/// a lean model is a single self-contained file: <c>ortadapter.tokenizer.file.vocab.txt</c> holds vocab.txt.
/// Keys and value forms are the ones OrtAdapter.Inference's ExportMetadataKeys reads (labels: JSON array, one
/// name per logit, "0".."C-1" when the run did not name them; task: single-label / multi-label / regression).
/// </summary>
public sealed class InferenceMetadata
{
    public const string Prefix = "ortadapter.";
    public const string Version = Prefix + "version";
    public const string Task = Prefix + "task";
    public const string Activation = Prefix + "activation";
    public const string Labels = Prefix + "labels";
    public const string MaxLength = Prefix + "max_length";
    public const string TokenizerFilePrefix = Prefix + "tokenizer.file.";
    public const string LowerCase = Prefix + "tokenizer.lower_case";
    public const string Recipe = Prefix + "recipe";
    public const string Metrics = Prefix + "metrics";
    public const string BaseModelSha256 = Prefix + "base_model_sha256";

    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    static readonly JsonSerializerOptions CompactRecipe = new(ArtifactManifest.Json) { WriteIndented = false };

    InferenceMetadata(IReadOnlyDictionary<string, string> properties) => Properties = properties;

    /// <summary>The pairs, in ordinal key order (so files are deterministic).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    public string this[string key] => Properties.TryGetValue(key, out var v) ? v
        : throw new ExportException($"The export metadata has no '{key}'.");

    /// <summary>The recipe the artifacts were built with.</summary>
    public ArtifactRecipe ReadRecipe()
    {
        try
        {
            return JsonSerializer.Deserialize<ArtifactRecipe>(this[Recipe], ArtifactManifest.Json)
                ?? throw new ExportException($"The export metadata's '{Recipe}' is empty.");
        }
        catch (JsonException e)
        {
            throw new ExportException($"The export metadata's '{Recipe}' is not a recipe this OrtAdapter reads: {e.Message}", e);
        }
    }

    public TaskKind ReadTask() => Enum.Parse<TaskKind>(this[Task].Replace("-", "", StringComparison.Ordinal), ignoreCase: true);

    /// <summary>
    /// Collects the metadata of an artifacts folder and a run: tokenizer files (text) from the folder, label names
    /// (from the run's summary; "0".."C-1" when unknown), the run's truncation length (so inference truncates as
    /// training did; left out when unknown), the run summary as the final metrics ("{}" when none).
    /// </summary>
    public static InferenceMetadata Create(string artifactsFolder, ArtifactManifest manifest, IReadOnlyList<string>? labels, string? summaryJson,
        int? maxLength = null)
    {
        var recipe = manifest.Recipe;
        var names = labels ?? Enumerable.Range(0, manifest.NumLabels).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (names.Count != manifest.NumLabels)
            throw new ExportException($"{artifactsFolder}: the run names {names.Count} labels but the artifacts have {manifest.NumLabels} outputs.");
        var p = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Version] = OrtAdapterVersion,
            [Task] = recipe.Task.Describe(),
            [Activation] = recipe.Task.Activation().ToString().ToLowerInvariant(),
            [Labels] = JsonSerializer.Serialize(names, Compact),
            [Recipe] = JsonSerializer.Serialize(recipe, CompactRecipe),
            [Metrics] = summaryJson is null ? "{}" : System.Text.Json.Nodes.JsonNode.Parse(summaryJson)?.ToJsonString() ?? "{}",
            [BaseModelSha256] = manifest.BaseModelSha256,
        };
        if (maxLength is int m) p[MaxLength] = m.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var file in manifest.TokenizerFiles)
        {
            var path = Path.Combine(artifactsFolder, file);
            if (!File.Exists(path)) throw new ExportException($"{path}: missing; the manifest lists it as a tokenizer file of the artifacts.");
            p[TokenizerFilePrefix + file] = File.ReadAllText(path);
        }
        p[LowerCase] = LowerCaseOf(p.GetValueOrDefault(TokenizerFilePrefix + "tokenizer_config.json")) ? "true" : "false";
        return new InferenceMetadata(p);
    }

    /// <summary>Metadata read back from an adapter file (keys of other tools are ignored).</summary>
    public static InferenceMetadata FromProperties(IReadOnlyDictionary<string, string> properties, string origin)
    {
        var p = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in properties) if (k.StartsWith(Prefix, StringComparison.Ordinal)) p[k] = v;
        foreach (var key in new[] { Task, Labels, Recipe, BaseModelSha256 })
            if (!p.ContainsKey(key)) throw new ExportException($"{origin}: metadata has no '{key}'; not an OrtAdapter adapter file.");
        p[Version] = OrtAdapterVersion;
        var metadata = new InferenceMetadata(p);
        try { metadata.ReadRecipe(); }
        catch (ExportException e) { throw new ExportException($"{origin}: {e.Message}", e); }
        return metadata;
    }

    /// <summary>Replaces the model's metadata_props with these pairs.</summary>
    public void WriteTo(ModelProto model)
    {
        model.MetadataProps.Clear();
        foreach (var (k, v) in Properties) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
    }

    /// <summary>The OrtAdapter.Build assembly's informational version.</summary>
    public static string OrtAdapterVersion { get; } =
        typeof(InferenceMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(InferenceMetadata).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>BERT's casing: <c>do_lower_case</c> of tokenizer_config.json, true when absent (uncased is the default).</summary>
    static bool LowerCaseOf(string? tokenizerConfig)
    {
        if (tokenizerConfig is null) return true;
        try
        {
            using var doc = JsonDocument.Parse(tokenizerConfig);
            return !doc.RootElement.TryGetProperty("do_lower_case", out var v) || v.ValueKind != JsonValueKind.False;
        }
        catch (JsonException) { return true; }
    }
}
