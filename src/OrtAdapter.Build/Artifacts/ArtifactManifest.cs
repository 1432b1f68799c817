using System.Text.Json;
using System.Text.Json.Serialization;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// manifest.json of an artifacts folder: what was built from what (base model hash, tokenizer files, options),
/// and the contract the trainer relies on (graph files, trainable tensors, dropout mask inputs, inputs/outputs).
/// </summary>
public sealed record ArtifactManifest
{
    public const string FileName = "manifest.json";
    /// <summary>
    /// Bumped whenever the contract changes (2: dropout masks are float 0 or 1/(1-p); 3: the recipe's adapter is one
    /// spec object, kind and options); part of the cache key.
    /// </summary>
    public const int CurrentFormat = 3;

    public int Format { get; init; } = CurrentFormat;
    public required string BaseModel { get; init; }
    public required string BaseModelSha256 { get; init; }
    public required int Opset { get; init; }
    public required IReadOnlyList<string> TokenizerFiles { get; init; }
    public required string OptionsHash { get; init; }
    public required JsonElement Options { get; init; }
    public required string TaskKind { get; init; }
    public required int NumLabels { get; init; }
    public required string TrainingModel { get; init; }
    public required string EvalModel { get; init; }
    public string? OptimizerModel { get; init; }
    public required bool OptimizerFused { get; init; }
    public required string FrozenWeights { get; init; }
    /// <summary>SHA-256 of the frozen weights file as built; null in manifests written before it was recorded.</summary>
    public string? FrozenWeightsSha256 { get; init; }
    public required string Checkpoint { get; init; }
    public required IReadOnlyList<TensorSpec> Trainable { get; init; }
    public required IReadOnlyList<DropoutMaskSpec> DropoutMasks { get; init; }
    public required IReadOnlyList<TensorSpec> TrainingInputs { get; init; }
    public required IReadOnlyList<TensorSpec> TrainingOutputs { get; init; }
    public required IReadOnlyList<TensorSpec> EvalInputs { get; init; }
    public required IReadOnlyList<TensorSpec> EvalOutputs { get; init; }

    public long TrainableParameterCount => Trainable.Sum(t => t.Dims.Aggregate(1L, (p, d) => p * long.Parse(d, System.Globalization.CultureInfo.InvariantCulture)));

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ArtifactManifest Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new OnnxFormatException($"{path}: not found; '{folder}' is not an artifacts folder (run 'ortadapter build').");
        try
        {
            var manifest = JsonSerializer.Deserialize<ArtifactManifest>(File.ReadAllText(path), Json)
                ?? throw new OnnxFormatException($"{path}: empty manifest.");
            if (manifest.Format != CurrentFormat)
                throw new OnnxFormatException($"{path}: manifest format {manifest.Format}, this build reads {CurrentFormat}; rebuild the artifacts.");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new OnnxFormatException($"{path}: invalid manifest JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
    }

    /// <summary>The folder's manifest, or null when there is none or it was written by another artifacts format.</summary>
    public static ArtifactManifest? TryLoad(string folder)
    {
        if (!File.Exists(Path.Combine(folder, FileName))) return null;
        try { return Load(folder); }
        catch (OnnxFormatException) { return null; }
    }

    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json) + "\n");
}

/// <summary>A graph input/output or tensor: name, element type and dims (numbers or symbolic names).</summary>
public sealed record TensorSpec(string Name, string ElementType, IReadOnlyList<string> Dims)
{
    public static TensorSpec From(string name, TensorType type) =>
        new(name, DataTypes.Name(type.ElemType), type.Shape?.Select(d => d.ToString()).ToList() ?? []);
}

/// <summary>A fed dropout mask: the bool input's name, its dims (symbolic names resolved per batch) and the drop rate.</summary>
public sealed record DropoutMaskSpec(string Input, IReadOnlyList<string> Dims, float Rate);
