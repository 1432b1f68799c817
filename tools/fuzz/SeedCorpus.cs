using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Bench.Encoders;
using OrtAdapter.Onnx;
using Microsoft.Data.Sqlite;
using Parquet.Schema;
using Parquet.Serialization;

namespace OrtAdapter.Fuzz;

/// <summary>Small valid files, one per target, for AFL to start from (AFL wants seeds well under 1 MB).</summary>
static class SeedCorpus
{
    static readonly string[] Texts = ["Loved it.", "Not worth the money.", "\"Quoted\", with a comma", "naïve café"];

    public static void Write(string root, IReadOnlyDictionary<string, string> files)
    {
        string Seed(string target) => Path.Combine(Directory.CreateDirectory(Path.Combine(root, target)).FullName, files[target]);

        var tiny = new SyntheticEncoderOptions { Layers = 1, Hidden = 8, Heads = 2, Intermediate = 16, VocabSize = 40, MaxPositions = 16, Opset = 17, Seed = 1 };
        ModelFile.Save(SyntheticEncoder.Create(tiny), Seed("onnx"));
        // The state target's seed is this checkpoint's state.json; its weights go beside every fuzzed state (run.sh).
        var checkpoint = Path.Combine(root, "state-checkpoint");
        Checkpoint(checkpoint);
        File.Copy(Path.Combine(checkpoint, OrtAdapter.Build.Checkpoints.Checkpoint.StateFile), Seed("state"), overwrite: true);
        File.Copy(Path.Combine(checkpoint, OrtAdapter.Build.Checkpoints.Checkpoint.WeightsFile), Seed("safetensors"), overwrite: true);
        File.Copy(Path.Combine(checkpoint, OrtAdapter.Build.Checkpoints.Checkpoint.WeightsFile), Seed("adapter"), overwrite: true);
        File.Copy(Path.Combine(RepoRoot(), "graphs", "bert-mini-uncased", "default", "manifest.json"), Seed("manifest"), overwrite: true);
        File.WriteAllLines(Seed("jsonl"), Texts.Select((t, i) => $"{{\"text\": \"{t.Replace("\"", "\\\"")}\", \"label\": {i % 2}}}"));
        File.WriteAllLines(Seed("csv"), ["text,label", .. Texts.Select((t, i) => $"\"{t.Replace("\"", "\"\"")}\",{i % 2}")]);
        File.WriteAllLines(Seed("tsv"), ["text\tlabel", .. Texts.Select((t, i) => $"{t}\t{i % 2}")]);
        using (var stream = File.Create(Seed("parquet")))
            ParquetSerializer.SerializeUntypedAsync(
                [.. Texts.Select((t, i) => (IDictionary<string, object?>)new Dictionary<string, object?> { ["text"] = t, ["label"] = (long)(i % 2) })],
                new ParquetSchema(new DataField<string>("text"), new DataField<long>("label")), stream).GetAwaiter().GetResult();
        using (var db = new SqliteConnection($"Data Source={Seed("sqlite")};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "CREATE TABLE reviews (text TEXT, label INTEGER); " +
                string.Concat(Texts.Select((t, i) => $"INSERT INTO reviews VALUES ('{t.Replace("'", "''")}', {i % 2}); "));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>A small checkpoint (weights.safetensors + state.json), the same bytes every time.</summary>
    public static void Checkpoint(string folder) => OrtAdapter.Build.Checkpoints.Checkpoint.Save(folder, new CheckpointData
    {
        Tensors = new Dictionary<string, SafeTensor>
        {
            ["adapter.down.weight"] = SafeTensor.Create<float>([1f, 2f, 3f, 4f], 2, 2),
            ["adapter.down.weight.exp_avg"] = SafeTensor.Create<float>([0f, 0f, 0f, 0f], 2, 2),
            ["adapter.down.weight.exp_avg_sq"] = SafeTensor.Create<float>([0f, 0f, 0f, 0f], 2, 2),
        },
        State = new CheckpointState { Step = 3, Epoch = 1, BestMetric = 0.5 },
    });

    static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository (no OrtAdapter.sln above the working folder)");
    }
}
