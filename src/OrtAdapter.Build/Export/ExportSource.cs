using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Optimizer;

namespace OrtAdapter.Build.Export;

/// <summary>
/// What an export starts from, resolved from a path: a training run folder (its <c>checkpoint-best</c>, and the
/// artifacts folder its summary.json records), a checkpoint folder (the artifacts from the run folder above it,
/// or the artifacts folder it belongs to, or given), or an artifacts folder (its initial checkpoint). The
/// checkpoint is loaded and checked against the artifacts' trainable tensors here, before anything is written.
/// </summary>
public sealed class ExportSource
{
    // The trainer's names (OrtAdapter.Training sits above this project, so they are repeated here).
    public const string BestCheckpoint = "checkpoint-best", SummaryFile = "summary.json", ArtifactsField = "artifacts",
        ArtifactsFullPathField = "artifacts_full_path", LabelsField = "labels",
        MaxLengthField = "max_length";

    public required string ArtifactsFolder { get; init; }
    public required ArtifactManifest Manifest { get; init; }
    public required string CheckpointFolder { get; init; }

    /// <summary>The trainable tensors only (optimizer state left out), checked against the manifest.</summary>
    public required IReadOnlyDictionary<string, SafeTensor> Tensors { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The run's truncation length (special tokens included); null when the source is not a run.</summary>
    public int? MaxLength { get; init; }
    public string? SummaryJson { get; init; }

    public static ExportSource Resolve(string path, string? artifactsFolder = null)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(full)) throw new CheckpointException($"{full}: not found (expected a run folder, a checkpoint folder or an artifacts folder).");
        string checkpoint;
        string? runFolder = null;
        if (Directory.Exists(Path.Combine(full, BestCheckpoint)) || File.Exists(Path.Combine(full, SummaryFile)))
            (runFolder, checkpoint) = (full, Path.Combine(full, BestCheckpoint));
        else if (File.Exists(Path.Combine(full, ArtifactManifest.FileName)))
        {
            artifactsFolder ??= full;
            checkpoint = Path.Combine(full, ArtifactManifest.Load(full).Checkpoint);
        }
        else
        {
            checkpoint = full;
            var parent = Path.GetDirectoryName(full)!;
            if (File.Exists(Path.Combine(parent, SummaryFile))) runFolder = parent;
            else if (File.Exists(Path.Combine(parent, ArtifactManifest.FileName))) artifactsFolder ??= parent;
        }

        string? summary = null;
        IReadOnlyList<string>? labels = null;
        int? maxLength = null;
        if (runFolder is not null && File.Exists(Path.Combine(runFolder, SummaryFile)))
        {
            var summaryPath = Path.Combine(runFolder, SummaryFile);
            summary = File.ReadAllText(summaryPath);
            try
            {
                using var doc = JsonDocument.Parse(summary, new JsonDocumentOptions { AllowDuplicateProperties = false });
                artifactsFolder ??= RecordedArtifacts(doc.RootElement, runFolder, summaryPath);
                if (doc.RootElement.TryGetProperty(LabelsField, out var l) && l.ValueKind == JsonValueKind.Array)
                    labels = l.EnumerateArray().Select(e => e.ToString()).ToList();
                if (doc.RootElement.TryGetProperty(MaxLengthField, out var m))
                    maxLength = m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var v) && v >= 2 ? v
                        : throw new ExportException($"{summaryPath}: '{MaxLengthField}' must be an integer of at least 2, not {m.GetRawText()}.");
            }
            catch (JsonException e) { throw new ExportException($"{summaryPath}: invalid JSON: {e.Message}", e); }
        }
        if (artifactsFolder is null)
            throw new ExportException($"{full}: cannot tell which artifacts folder this checkpoint belongs to " +
                $"(no {SummaryFile} with '{ArtifactsField}' in the run folder); give it with --artifacts.");

        var manifest = ArtifactManifest.Load(artifactsFolder);
        return new ExportSource
        {
            ArtifactsFolder = artifactsFolder,
            Manifest = manifest,
            CheckpointFolder = checkpoint,
            Tensors = LoadTrainable(checkpoint, manifest, artifactsFolder),
            Labels = labels,
            MaxLength = maxLength,
            SummaryJson = summary,
        };
    }

    /// <summary>The run's artifacts: relative to the run (both moved together), else the full path (the run moved alone).</summary>
    static string? RecordedArtifacts(JsonElement summary, string runFolder, string summaryPath)
    {
        string? Field(string name) => summary.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Field(ArtifactsField) is not { } relative) return null;
        var candidates = new[] { Path.GetFullPath(Path.Combine(runFolder, relative)), Field(ArtifactsFullPathField) }.OfType<string>().ToList();
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, ArtifactManifest.FileName)))
            ?? throw new ExportException($"{summaryPath}: the run's artifacts folder ({string.Join(" or ", candidates.Distinct())}) is gone; " +
                "give the artifacts folder it was trained with (--artifacts), or rebuild the same recipe with 'ortadapter build'.");
    }

    static Dictionary<string, SafeTensor> LoadTrainable(string folder, ArtifactManifest manifest, string artifactsFolder)
    {
        if (!Directory.Exists(folder)) throw new CheckpointException($"{folder}: checkpoint folder not found.");
        CheckpointData data;
        try { data = Checkpoint.Load(folder); }
        catch (SafeTensorsException e) { throw new CheckpointException($"{e.Message} (corrupt checkpoint)", e); }
        var weights = Path.Combine(folder, Checkpoint.WeightsFile);
        if (data.State.Extra.TryGetValue("options_hash", out var hash) && hash != manifest.OptionsHash)
            throw new CheckpointException($"{folder}: the checkpoint was trained with artifacts of options hash {hash[..12]}…, but {artifactsFolder} " +
                $"has {manifest.OptionsHash[..12]}… (rebuilt with another recipe?); give the artifacts it was trained with (--artifacts).");
        var result = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach (var spec in manifest.Trainable)
        {
            if (!data.Tensors.TryGetValue(spec.Name, out var t))
                throw new CheckpointException($"{weights}: has no tensor '{spec.Name}', which the artifacts train.");
            var dims = spec.Dims.Select(d => long.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (!t.Shape.SequenceEqual(dims) || t.DType != SafeTensorDTypes.FromOnnx(DataTypeOf(spec.ElementType)))
                throw new CheckpointException($"{weights}: tensor '{spec.Name}' is {SafeTensorDTypes.Name(t.DType)}[{string.Join(", ", t.Shape)}], the artifacts expect {spec.ElementType}[{string.Join(", ", dims)}].");
            if (t.DType == SafeTensorDTypes.FromOnnx((int)OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType.Float) && t.ToArray<float>().Any(v => !float.IsFinite(v)))
                throw new CheckpointException($"{weights}: tensor '{spec.Name}' holds NaN or infinite values (the run diverged); export an earlier checkpoint or train again with a lower --lr.");
            result[spec.Name] = t;
        }
        foreach (var name in data.Tensors.Keys)
            if (!result.ContainsKey(name) && !name.EndsWith(AdamWNames.ExpAvgSuffix, StringComparison.Ordinal) && !name.EndsWith(AdamWNames.ExpAvgSqSuffix, StringComparison.Ordinal))
                throw new CheckpointException($"{weights}: tensor '{name}' is not a trainable tensor of the artifacts in {Path.GetDirectoryName(weights)}.");
        return result;
    }

    static int DataTypeOf(string name) =>
        (int)Enum.Parse<OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType>(name, ignoreCase: true);
}
