using OrtAdapter.Testing.Checking;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Bases;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Tests.Artifacts;
using OrtAdapter.Build.Tests.Checkpoints;
using OrtAdapter.Build.Tests.Losses;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Bases;

/// <summary>
/// The pipeline on the real pre-trained exports people bring (all-MiniLM-L6-v2: opset 13, placeholder output dims,
/// a BERT pooler output; arctic-embed-xs: opset 11, CLS pooling): artifacts build, adapters at their initial identity
/// keep the base's own pooled embedding, and the whole loss's gradient matches finite differences.
/// </summary>
[TestClass]
public sealed class RealEncoderTests
{
    static TempFolder? _temp;
    static readonly Dictionary<string, (string Model, string Artifacts, ArtifactManifest Manifest)> Built = [];

    [ClassInitialize]
    public static void BuildArtifacts(TestContext _)
    {
        _temp = new TempFolder();
        var store = new BaseModelStore(_temp["models"], RepoPaths.Root);
        foreach (var known in new[] { KnownBases.AllMiniLmL6V2, KnownBases.ArcticEmbedXs })
        {
            var model = store.Resolve(known.Name);
            var folder = _temp[known.Name];
            Built[known.Name] = (model, folder, ArtifactBuilder.Build(model, ArtifactRecipe.Default with { Pooling = known.Pooling }, folder));
        }
    }

    [ClassCleanup]
    public static void Remove() => _temp?.Dispose();

    [TestMethod]
    [DataRow("all-minilm-l6-v2")]
    [DataRow("arctic-embed-xs")]
    public void SurgeryFindsSixLayersOf384AndDropsThePooler(string name)
    {
        var manifest = Built[name].Manifest;
        Assert.AreEqual(226_850, manifest.TrainableParameterCount, "Houlsby r=16 in 6 layers of 384 and a 2-class head (REFERENCE.md)");
        Assert.HasCount(1 + 3 * 6, manifest.DropoutMasks);
        Assert.IsTrue(manifest.DropoutMasks.All(m => !m.Dims.Any(d => d.Contains("dim", StringComparison.Ordinal))), "every mask dim is a size or the batch/sequence name");
        CollectionAssert.AreEqual(new[] { "logits", "pooled", "loss", "loss_term_1", "loss_term_2" }, manifest.EvalOutputs.Select(o => o.Name).ToArray());
    }

    [TestMethod]
    public void ThePrebuiltDefaultArtifactsAreAFreshBuild()
    {
        // graphs/all-minilm-l6-v2/default is what `train` uses with no arguments; its graphs and checkpoint are in git.
        var (_, artifacts, manifest) = Built[KnownBases.AllMiniLmL6V2.Name];
        var prebuilt = RepoPaths.Graphs("all-minilm-l6-v2", "default");
        Assert.AreEqual(manifest.OptionsHash, ArtifactManifest.Load(prebuilt).OptionsHash, "graphs/all-minilm-l6-v2/default is stale: rebuild it");
        foreach (var file in new[] { manifest.TrainingModel, manifest.EvalModel, Path.Combine(manifest.Checkpoint, "weights.safetensors"), "vocab.txt", "tokenizer_config.json" })
            Assert.IsTrue(File.ReadAllBytes(Path.Combine(artifacts, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(prebuilt, file))),
                $"graphs/all-minilm-l6-v2/default/{file} differs from a fresh build: rebuild it (ortadapter build --out graphs/all-minilm-l6-v2/default)");
    }

    [TestMethod]
    [DataRow("all-minilm-l6-v2")]
    [DataRow("arctic-embed-xs")]
    public void AdaptersAtIdentityKeepTheBasesPooledEmbedding(string name)
    {
        var (model, artifacts, manifest) = Built[name];
        // The initial checkpoint: Houlsby up-projections are zero, so every adapter is the identity.
        var initial = Checkpoint.Load(Path.Combine(artifacts, manifest.Checkpoint)).Tensors;
        var feeds = ArtifactFeeds.Batch4();
        feeds.AddRange(manifest.Trainable.Select(t => new TensorFeed(t.Name, initial[t.Name].ToArray<float>(), [.. t.Dims.Select(long.Parse)])));
        var pooled = OrtRunner.Run(TinyEncoder.LoadGraph(artifacts, manifest.EvalModel), feeds, "pooled")["pooled"];
        var hidden = OrtRunner.Run(ModelFile.Load(model), feeds.Take(3).ToList(), "last_hidden_state")["last_hidden_state"];
        var mask = (long[])feeds.Single(f => f.Name == "attention_mask").Data;
        const int b = ArtifactFeeds.Batch, s = ArtifactFeeds.Sequence, h = 384;
        var pooling = KnownBases.Find(name)!.Pooling;
        double worst = 0;
        for (int r = 0; r < b; r++)
        {
            var count = Enumerable.Range(0, s).Count(t => mask[r * s + t] == 1);
            for (int k = 0; k < h; k++)
            {
                var expected = pooling == PoolingKind.Cls ? hidden[r * s * h + k]
                    : Enumerable.Range(0, s).Where(t => mask[r * s + t] == 1).Sum(t => hidden[(r * s + t) * h + k]) / count;
                worst = Math.Max(worst, Math.Abs(expected - pooled[r * h + k]));
            }
        }
        Assert.IsLessThan(1e-5, worst, $"{name}: largest difference of the pooled embedding from the base's own forward pass");
    }

    /// <summary>
    /// On all-MiniLM-L6-v2 (opset 13). arctic-embed-xs's graphs are opset 11, where ONNX Runtime's CPU Clip (in the
    /// SupCon term) has no double kernel, so the double-precision twin cannot run there.
    /// </summary>
    [TestMethod]
    public void WholeLossGradientMatchesFiniteDifferences()
    {
        var (_, artifacts, manifest) = Built[KnownBases.AllMiniLmL6V2.Name];
        var eval = TinyEncoder.LoadGraph(artifacts, manifest.EvalModel);
        var trainable = manifest.Trainable.Select(t => (t.Name, t.Dims.Select(long.Parse).ToArray())).ToList();
        ArtifactFeeds.RandomTrainables(eval, trainable, scale: 0.1, seed: 5);
        var graph = new OnnxGraph(eval);
        DoublePrecisionTwin.Apply(graph);
        var feeds = ArtifactFeeds.Batch4().Select(f => f.Data is float[] w ? new TensorFeed(f.Name, w.Select(v => (double)v).ToArray(), f.Shape) : f).ToList();
        var options = new GradientCheckOptions { Step = 1e-4, Tolerance = Tolerances.Double.Tolerance, Floor = Tolerances.Double.Floor, CoordinatesPerTensor = 1 };

        var report = GradientChecker.Check(graph.Model, LossNames.Loss, [.. trainable.Select(t => t.Name)], feeds, options);

        Assert.IsGreaterThan(report.Coordinates.Count / 2, report.Coordinates.Count(c => Math.Abs(c.Analytic) > 1e-6), "the gradients are not trivially zero\n" + report.Describe());
        Assert.IsTrue(report.Passed, report.Describe());
    }
}
