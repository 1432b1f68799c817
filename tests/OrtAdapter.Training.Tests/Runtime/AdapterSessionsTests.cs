using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;
using OrtAdapter.Training.Runtime;
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
}
