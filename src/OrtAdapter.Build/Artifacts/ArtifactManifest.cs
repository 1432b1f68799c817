using System.Text.Json;
using System.Text.Json.Serialization;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// manifest.json of an artifacts folder: what was built from what (base model hash, tokenizer files, recipe), and the
/// typed contract that training, export and the CLI read as it is: the task, the graph files, the trainable tensors,
/// the loss terms with their output and weight-input names, every fed input with its type, shape and source, and
/// the graphs' outputs. Written by <see cref="ArtifactBuilder"/> only.
/// </summary>
public sealed record ArtifactManifest
{
    public const string FileName = "manifest.json";
    /// <summary>
    /// Bumped whenever the contract changes (2: dropout masks are float 0 or 1/(1-p); 3: one adapter spec in the
    /// recipe; 4: the typed recipe, the task, the loss terms and every fed input's source; 5: dropout masks are uint8
    /// 0 or 1, the graph scales by 1/(1-p)); part of the cache key.
    /// </summary>
    public const int CurrentFormat = 5;

    public int Format { get; init; } = CurrentFormat;
    public required string BaseModel { get; init; }
    public required string BaseModelSha256 { get; init; }
    public required int Opset { get; init; }
    public required IReadOnlyList<string> TokenizerFiles { get; init; }
    public required string OptionsHash { get; init; }
    public required ArtifactRecipe Recipe { get; init; }
    public required TaskKind Task { get; init; }
    public required int NumLabels { get; init; }
    /// <summary>The weighted loss's terms, in order: L = Σ weight_k · term_k.</summary>
    public required IReadOnlyList<LossTermContract> LossTerms { get; init; }
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
    /// <summary>The training graph's inputs: with the optimizer fused, one Run is fed exactly these.</summary>
    public required IReadOnlyList<FedInput> TrainingInputs { get; init; }
    public required IReadOnlyList<TensorSpec> TrainingOutputs { get; init; }
    public required IReadOnlyList<FedInput> EvalInputs { get; init; }
    public required IReadOnlyList<TensorSpec> EvalOutputs { get; init; }
    /// <summary>The separate optimizer graph's inputs (parameters, moments, gradients, learning rate, step); empty when it is fused.</summary>
    public IReadOnlyList<FedInput> OptimizerInputs { get; init; } = [];

    public long TrainableParameterCount => Trainable.Sum(t => t.Dims.Aggregate(1L, (p, d) => p * long.Parse(d, System.Globalization.CultureInfo.InvariantCulture)));

    public static readonly JsonSerializerOptions Json = new()
    {
        // A null where the contract has no null (a list, the recipe, a name) is a JSON error naming the path, not a crash later.
        RespectNullableAnnotations = true,
        // A repeated key is an error, not "the last one wins".
        AllowDuplicateProperties = false,
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

/// <summary>A fed dropout mask: the uint8 input's name (1 = kept), its dims (symbolic names resolved per batch) and the drop rate.</summary>
public sealed record DropoutMaskSpec(string Input, IReadOnlyList<string> Dims, float Rate);
