using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>
/// Artifacts for bert-mini built into a scratch folder (about a second each), and "runs" whose best checkpoint
/// holds random (non-identity) adapter and head tensors, with the summary.json a trainer writes.
/// </summary>
sealed class ExportFixture : IDisposable
{
    public static readonly string[] LabelNames = ["negative", "positive"];

    public ExportFixture(ArtifactRecipe recipe)
    {
        Root = Path.Combine(Path.GetTempPath(), "ortadapter-export-" + Guid.NewGuid().ToString("N"));
        Artifacts = Path.Combine(Root, "artifacts");
        Manifest = ArtifactBuilder.Build(BaseModel, recipe, Artifacts);
    }

    public static string BaseModel => RepoPaths.Graphs("bert-mini-uncased", "model_opset17.onnx");

    public string Root { get; }
    public string Artifacts { get; }
    public ArtifactManifest Manifest { get; }

    /// <summary>A fresh empty folder under the scratch root.</summary>
    public string NewFolder(string name)
    {
        var dir = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A run folder: checkpoint-best with random trainable tensors (std <paramref name="std"/>) and summary.json.</summary>
    /// <summary>The truncation length the fake runs record.</summary>
    public const int MaxLength = 96;

    public string MakeRun(int seed, double std = 0.1)
    {
        var run = NewFolder($"run{seed}");
        Checkpoint.Save(Path.Combine(run, "checkpoint-best"), new CheckpointData { Tensors = RandomTensors(seed, std) });
        var summary = $$"""{"steps": 10, "best_epoch": 1, "test": {"accuracy": 0.5}, "labels": ["{{LabelNames[0]}}", "{{LabelNames[1]}}"], "max_length": {{MaxLength}}, "artifacts": "{{Path.GetRelativePath(run, Artifacts)}}"}""";
        File.WriteAllText(Path.Combine(run, "summary.json"), summary);
        return run;
    }

    public Dictionary<string, SafeTensor> RandomTensors(int seed, double std)
    {
        var rng = new Random(seed);
        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach (var spec in Manifest.Trainable)
        {
            var dims = spec.Dims.Select(long.Parse).ToArray();
            var values = new float[dims.Aggregate(1L, (p, d) => p * d)];
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            tensors[spec.Name] = SafeTensor.Create<float>(values, dims);
        }
        return tensors;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
