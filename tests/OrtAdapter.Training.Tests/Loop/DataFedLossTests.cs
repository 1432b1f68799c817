using System.Globalization;
using System.Text;
using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Losses;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Loop;
using OrtAdapter.Training.Reporting;

namespace OrtAdapter.Training.Tests.Loop;

/// <summary>Loss terms fed from the data: distillation from a teacher-logits column, cosine towards a target-embedding column.</summary>
[TestClass]
public sealed class DataFedLossTests
{
    static TrainOptions Options(TinyRun run, string train, DatasetOptions data, int epochs) => new()
    {
        Artifacts = run.Artifacts, TrainData = train, DevData = train, Data = data, RunDirectory = run.Combine("run"),
        Epochs = epochs, BatchSize = 8, EvalBatchSize = 16, LearningRate = 5e-2, MaxLength = 16, Threads = 1, Seed = 3,
    };

    /// <summary>The toy set with a column added to each row, computed from its label.</summary>
    static string WithColumn(TinyRun run, string name, string column, Func<int, float[]> values, int rows = 64)
    {
        var text = new StringBuilder();
        foreach (var line in File.ReadLines(run.WriteToyData(name + ".src", rows, seed: 1)))
        {
            var row = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!;
            var vector = string.Join(", ", values(row["label"].GetInt32()).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            text.Append(line[..^1]).Append($", \"{column}\": [{vector}]}}\n");
        }
        return run.Write(name, text.ToString());
    }

    [TestMethod]
    public void DistillationAloneLearnsWhatTheTeacherSays()
    {
        // The only signal is the teacher ("kd" alone, labels unused): a teacher that agrees with the labels drives dev
        // accuracy up from chance, one that contradicts them drives it down.
        foreach (var (agrees, name) in new[] { (true, "agreeing"), (false, "contradicting") })
        {
            using var run = new TinyRun(new ArtifactRecipe { Loss = "kd:temperature=1" });
            var train = WithColumn(run, "train.jsonl", "teacher", label => (label == 1) == agrees ? [-3f, 3f] : [3f, -3f]);
            Trainer.Run(Options(run, train, new DatasetOptions { VectorColumns = new Dictionary<string, string> { ["teacher_logits"] = "teacher" } }, epochs: 4), new QuietProgress());
            var dev = MetricsLog.Read(Path.Combine(run.Combine("run"), Trainer.MetricsFile)).Where(e => e.Split == MetricsEntry.DevSplit).ToList();
            var accuracy = dev[^1]["accuracy"]!.Value;
            Console.WriteLine($"{name} teacher: dev accuracy by epoch {string.Join(" ", dev.Select(e => e["accuracy"]))}");
            if (agrees) Assert.IsGreaterThanOrEqualTo(0.75, accuracy, name);
            else Assert.IsLessThanOrEqualTo(0.25, accuracy, name);
        }
    }

    [TestMethod]
    public void CosineTermMovesThePooledEmbeddingTowardsTheTargets()
    {
        using var run = new TinyRun(new ArtifactRecipe { Loss = "0.5*ce+0.5*cosine" });
        var rng = new Random(5);
        float[][] targets = [.. Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 32).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray())];
        var train = WithColumn(run, "train.jsonl", "target", label => targets[label]);
        Trainer.Run(Options(run, train, new DatasetOptions { VectorColumns = new Dictionary<string, string> { ["target_embedding"] = "target" } }, epochs: 4), new QuietProgress());

        var dev = MetricsLog.Read(Path.Combine(run.Combine("run"), Trainer.MetricsFile)).Where(e => e.Split == MetricsEntry.DevSplit).ToList();
        double first = dev[0]["loss_cosine"]!.Value, last = dev[^1]["loss_cosine"]!.Value;
        Assert.IsLessThan(first * 0.8, last, $"cosine term on dev: {first:F4} -> {last:F4}");
    }

    [TestMethod]
    public void AMissingOrMisshapenTeacherColumnStopsTheRunBeforeTraining()
    {
        using var run = new TinyRun(new ArtifactRecipe { Loss = "0.5*ce+0.5*kd" });
        var train = WithColumn(run, "train.jsonl", "teacher", label => [1f, 2f, 3f], rows: 16);

        var e = Assert.ThrowsExactly<LossException>(() => Trainer.Run(Options(run, train, new DatasetOptions(), epochs: 1), new QuietProgress()));
        StringAssert.Contains(e.Message, "needs 'teacher_logits' [batch, 2] from the data: name its column with --input-column teacher_logits=COLUMN");
        e = Assert.ThrowsExactly<LossException>(() => Trainer.Run(Options(run, train, new DatasetOptions { VectorColumns = new Dictionary<string, string> { ["teacher_logits"] = "teacher" } }, epochs: 1), new QuietProgress()));
        StringAssert.Contains(e.Message, "(column 'teacher') have 3 values per row; the artifacts' loss expects 2");
        Assert.IsFalse(Directory.Exists(Path.Combine(run.Combine("run"), Trainer.LastCheckpoint)), "nothing trained, nothing written");
    }
}
