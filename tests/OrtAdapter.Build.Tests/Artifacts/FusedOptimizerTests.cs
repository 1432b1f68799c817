using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Testing.Checking;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Build.Tests.Checkpoints;

namespace OrtAdapter.Build.Tests.Artifacts;

/// <summary>
/// One Run of the fused training graph equals the unfused path (training graph -> gradients, then
/// optimizer_model.onnx) on the same batch, parameters and moments. Dropout is off (rates 0) so both are deterministic.
/// </summary>
[TestClass]
public sealed class FusedOptimizerTests
{
    [TestMethod]
    [DataRow("houlsby")]
    [DataRow("lora")]
    public void FusedStepEqualsGradientsThenOptimizerGraph(string kind)
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var recipe = new ArtifactRecipe { Adapter = AdapterKinds.Configure(kind, new()), HiddenDropout = 0, AttentionDropout = 0, MaxGradNorm = 0.2 };
        var fused = ArtifactBuilder.Build(model, recipe, temp["fused"]);
        var unfused = ArtifactBuilder.Build(model, recipe with { FuseOptimizer = false }, temp["unfused"]);
        Assert.IsEmpty(fused.DropoutMasks);
        Assert.IsNull(fused.OptimizerModel);
        Assert.AreEqual(ArtifactBuilder.OptimizerModel, unfused.OptimizerModel);

        // Random parameters and moments (second moments positive), a step past the first so bias correction matters.
        var state = new List<TensorFeed>();
        foreach (var t in fused.Trainable)
        {
            var dims = t.Dims.Select(long.Parse).ToArray();
            var n = dims.Aggregate(1L, (p, d) => p * d);
            state.Add(new TensorFeed(t.Name, ArtifactFeeds.Random(t.Name, n, 0.3, 5), dims));
            state.Add(new TensorFeed(AdamWNames.ExpAvg(t.Name), ArtifactFeeds.Random(AdamWNames.ExpAvg(t.Name), n, 0.01, 5), dims));
            state.Add(new TensorFeed(AdamWNames.ExpAvgSq(t.Name), ArtifactFeeds.Random(AdamWNames.ExpAvgSq(t.Name), n, 1e-4, 5).Select(Math.Abs).ToArray(), dims));
        }
        TensorFeed[] hyper = [TensorFeed.Of(AdamWNames.LearningRate, new[] { 0.01f }), TensorFeed.Of(AdamWNames.Step, new[] { 3L })];
        var batch = ArtifactFeeds.Batch4();

        var updatedNames = fused.Trainable.SelectMany(t => new[] { t.Name, AdamWNames.ExpAvg(t.Name), AdamWNames.ExpAvgSq(t.Name) }).Select(AdamWNames.Updated).ToList();
        var fusedOut = Run(Path.Combine(temp["fused"], fused.TrainingModel), [.. batch, .. state, .. hyper], ["loss", AdamWNames.GradNorm, .. updatedNames]);

        var gradNames = fused.Trainable.Select(t => AdamWNames.Grad(t.Name)).ToList();
        var grads = Run(Path.Combine(temp["unfused"], unfused.TrainingModel), [.. batch, .. state.Where(s => fused.Trainable.Any(t => t.Name == s.Name))], ["loss", .. gradNames]);
        var gradFeeds = gradNames.Select((g, i) => new TensorFeed(g, grads[i + 1], state.Single(s => s.Name + AdamWNames.GradSuffix == g).Shape));
        var stepped = Run(Path.Combine(temp["unfused"], ArtifactBuilder.OptimizerModel), [.. state, .. gradFeeds, .. hyper], [AdamWNames.GradNorm, .. updatedNames]);

        Assert.AreEqual(grads[0][0], fusedOut[0][0], Tolerances.FusedOptimizer, "loss");
        Assert.IsGreaterThan(0.2f, stepped[0][0], "the gradient norm exceeds MaxGradNorm, so clipping is exercised");
        Assert.AreEqual(stepped[0][0], fusedOut[1][0], Tolerances.FusedOptimizer * stepped[0][0], "grad_norm");
        double worst = 0;
        for (int k = 0; k < updatedNames.Count; k++)
        {
            var (a, b) = (fusedOut[k + 2], stepped[k + 1]);
            Assert.HasCount(a.Length, b);
            for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }
        Assert.IsLessThanOrEqualTo(Tolerances.FusedOptimizer, worst, $"largest difference between fused and unfused updates: {worst:E2}");
        // The step did move the parameters.
        Assert.IsTrue(fusedOut[2].Zip((float[])state[0].Data).Any(p => p.First != p.Second));
    }

    internal static List<float[]> Run(string path, IReadOnlyList<TensorFeed> feeds, IReadOnlyList<string> outputs)
    {
        using var options = new SessionOptions();
        using var session = new InferenceSession(path, options);
        var wanted = session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        var used = feeds.Where(f => wanted.Contains(f.Name)).ToList();
        Assert.HasCount(wanted.Count, used, $"{Path.GetFileName(path)} inputs: {string.Join(", ", wanted.Except(used.Select(u => u.Name)))} not fed");
        var values = used.Select(f => f.ToOrtValue()).ToList();
        try
        {
            using var run = new RunOptions();
            using var results = session.Run(run, used.Select(f => f.Name).ToList(), values, outputs);
            return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToList();
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
