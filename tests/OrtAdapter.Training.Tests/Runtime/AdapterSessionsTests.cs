using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Inference;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Runtime;
using OrtAdapter.Training.Tests.Batching;
using OrtAdapter.Training.Tests.Loop;

namespace OrtAdapter.Training.Tests.Runtime;

[TestClass]
public sealed class AdapterSessionsTests
{
    [TestMethod]
    public void FrozenWeightsAreMappedOnceForBothSessions()
    {
        using var run = new TinyRun();
        var start = Checkpoint.Load(Path.Combine(run.Artifacts, run.Manifest.Checkpoint)).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        using var sessions = AdapterSessions.Open(run.Artifacts, ExecutionDevice.Cpu, 1, start);

        // Every base tensor of 1 KiB or more is in frozen_weights.bin, handed to both sessions from one mapping.
        var baseModel = ModelFile.Load(Path.Combine(run.Root, "base", "model.onnx"));
        var used = ModelFile.Load(Path.Combine(run.Artifacts, run.Manifest.TrainingModel), loadExternalData: false).Graph.Initializer.Select(t => t.Name).ToHashSet();
        var expected = baseModel.Graph.Initializer.Where(t => TensorData.ByteSize(t) >= 1024 && used.Contains(t.Name)).Sum(TensorData.ByteSize);
        Assert.IsGreaterThan(0.95 * baseModel.Graph.Initializer.Sum(TensorData.ByteSize), expected, "all but the unused pooler");
        Assert.AreEqual(expected, sessions.FrozenBytes);
        Assert.IsLessThanOrEqualTo(new FileInfo(Path.Combine(run.Artifacts, run.Manifest.FrozenWeights)).Length, sessions.FrozenBytes);
        // The graphs hold references, not copies.
        foreach (var file in (string[])[run.Manifest.TrainingModel, run.Manifest.EvalModel])
            Assert.IsLessThan(sessions.FrozenBytes / 2, new FileInfo(Path.Combine(run.Artifacts, file)).Length, file);
        CollectionAssert.AreEquivalent(run.Manifest.Trainable.SelectMany(t => new[] { t.Name, t.Name + ".exp_avg", t.Name + ".exp_avg_sq" }).ToList(), sessions.Parameters.Names.ToList());
    }

    [TestMethod]
    public void ReservingMemoryForTheLongestBatchLeavesTheNextStepAsItWas()
    {
        using var run = new TinyRun();
        var start = Checkpoint.Load(Path.Combine(run.Artifacts, run.Manifest.Checkpoint)).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        Example Row(string text, int label, int line) => new(text, null, [label], null, $"t.jsonl:{line}");
        var data = BatchCollator.Create([Row("good movie", 1, 1), Row("bad food and the service was very bad", 0, 2), Row("good", 1, 3)], new WordTokenizer(), TaskKind.SingleLabel, 2);
        var stepInputs = run.Manifest.TrainingInputs.Concat(run.Manifest.OptimizerInputs)
            .Where(i => i.Source is not (FeedSource.Trainable or FeedSource.OptimizerState or FeedSource.Gradient)).ToList();
        var weights = run.Manifest.LossTerms.Select(t => t.DefaultWeight).ToList();

        (float[] Outputs, Dictionary<string, float[]> State) Step(bool reserveFirst)
        {
            using var sessions = AdapterSessions.Open(run.Artifacts, ExecutionDevice.Cpu, 1, start);
            using var feeds = sessions.NewFeeds();
            if (reserveFirst)
                sessions.ReserveTrainingMemory(feeds.Reset().Fill(stepInputs, data.Collate([1, 0]), new StepValues(weights, 0, 1, 5)).Feeds);
            var outputs = sessions.TrainStep(feeds.Reset().Fill(stepInputs, data.Collate([0, 2]), new StepValues(weights, 1e-3, 1, 5)).Feeds,
                [LossNames.Loss, AdamWNames.GradNorm]);
            return (outputs, sessions.Parameters.ReadAll());
        }

        var (plain, plainState) = Step(reserveFirst: false);
        var (reserved, reservedState) = Step(reserveFirst: true);
        CollectionAssert.AreEqual(plain, reserved, "loss and gradient norm");
        CollectionAssert.AreEquivalent(plainState.Keys.ToList(), reservedState.Keys.ToList());
        foreach (var (name, values) in plainState) CollectionAssert.AreEqual(values, reservedState[name], name);
    }
}
