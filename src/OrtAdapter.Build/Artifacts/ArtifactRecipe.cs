using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Inference;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// Everything that decides an artifacts folder besides the base model, as plain serializable values: it is
/// written into the manifest and hashed to name cached builds. Defaults are the project's default recipe
/// (REFERENCE.md): Houlsby r=16 ReLU, mean pooling, linear head, 0.9 x CE + 0.1 x SupCon(0.1), AdamW.
/// </summary>
public sealed record ArtifactRecipe
{
    /// <summary>The adapter kind and its options (a registered <see cref="IAdapterKind"/>).</summary>
    public AdapterSpec Adapter { get; init; } = AdapterSpec.Default;
    public TaskKind Task { get; init; } = TaskKind.SingleLabel;
    public int NumLabels { get; init; } = 2;
    public PoolingKind Pooling { get; init; } = PoolingKind.Mean;
    public double HeadDropout { get; init; }

    /// <summary>Loss recipe in <see cref="LossSpec.ParseRecipe"/> syntax.</summary>
    public string Loss { get; init; } = LossSpec.Format(LossSpec.Default);

    /// <summary>Dropout rates; null reads config.json beside the base model (BERT's 0.1 when absent).</summary>
    public float? HiddenDropout { get; init; }
    public float? AttentionDropout { get; init; }

    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Global-norm gradient clipping; null (default, as the reference recipe) = none.</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>Fuse AdamW into the training graph so one Run is one step (W1: 1.25 s vs 1.23 s separate, no measurable difference; one Run is simpler).</summary>
    public bool FuseOptimizer { get; init; } = true;

    /// <summary>
    /// AdamW's scalars and gradient norm in float32 (<see cref="AdamWOptions.Float32Scalars"/>): a graph with no double
    /// value, which onnxruntime-web's WebGPU provider loads. Left out of the JSON when false, so recipes and cache keys
    /// of the default (double) are what they were before the option existed.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Float32Optimizer { get; init; }

    /// <summary>The training graph's precision for the frozen base's MatMuls; left out of the JSON at its default (float32).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public BasePrecision BasePrecision { get; init; }

    /// <summary>Seed of the adapter and head initialisation.</summary>
    public int Seed { get; init; }

    public static ArtifactRecipe Default { get; } = new();

    [JsonIgnore]
    public IReadOnlyList<WeightedLoss> LossTerms => LossSpec.ParseRecipe(Loss);

    [JsonIgnore]
    public AdamWOptions OptimizerOptions => new()
    {
        Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay, MaxGradNorm = MaxGradNorm, Float32Scalars = Float32Optimizer,
    };

    /// <summary>
    /// SHA-256 of the recipe, the base model's hash, the manifest format and the generator version: the cache key of a
    /// build, so artifacts built by an older generator (same recipe, other graphs) are rebuilt rather than reused.
    /// </summary>
    public string Hash(string baseModelSha256)
    {
        var text = JsonSerializer.Serialize(this, ArtifactManifest.Json) + "\n" + baseModelSha256 + "\nformat " + ArtifactManifest.CurrentFormat
            + "\ngenerator " + ArtifactBuilder.GeneratorVersion;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
