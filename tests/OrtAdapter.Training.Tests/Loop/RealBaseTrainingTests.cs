using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Bases;
using OrtAdapter.Training.Loop;
using OrtAdapter.Training.Tests.Data;

namespace OrtAdapter.Training.Tests.Loop;

/// <summary>One short epoch on each real pre-trained base, end to end: fetch, build, train, evaluate, checkpoint.</summary>
[TestClass]
public sealed class RealBaseTrainingTests
{
    [TestMethod]
    [DataRow("all-minilm-l6-v2")]
    [DataRow("arctic-embed-xs")]
    public void OneEpochOnASliceTrainsAndEvaluates(string name)
    {
        using var run = new TinyRun();
        var known = KnownBases.Find(name)!;
        var model = new BaseModelStore(run.Combine("models"), TestData.RepoRoot()).Resolve(name);
        var artifacts = run.Combine(name);
        ArtifactBuilder.Build(model, ArtifactRecipe.Default with { Pooling = known.Pooling }, artifacts);
        var lines = File.ReadLines(Path.Combine(TestData.RepoRoot(), "data", "sentiment-uci", "train.jsonl")).ToList();
        var o = new TrainOptions
        {
            Artifacts = artifacts, TrainData = run.Write("train.jsonl", string.Join('\n', lines.Take(48)) + "\n"),
            DevData = run.Write("dev.jsonl", string.Join('\n', lines.Skip(48).Take(16)) + "\n"),
            RunDirectory = run.Combine("run"), Epochs = 1, BatchSize = 16, MaxLength = 32, Seed = 3,
        };

        var result = Trainer.Run(o, new QuietProgress());

        Assert.AreEqual(3L, result.Steps);
        Assert.IsTrue(result.BestDev.Values.All(double.IsFinite), string.Join(", ", result.BestDev));
        Assert.IsTrue(File.Exists(Path.Combine(o.RunDirectory, Trainer.BestCheckpoint, "weights.safetensors")));
    }
}
