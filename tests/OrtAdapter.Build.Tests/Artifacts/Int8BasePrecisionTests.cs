using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Tests.Checkpoints;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Onnx;
using OrtAdapter.Testing.Checking;

namespace OrtAdapter.Build.Tests.Artifacts;

/// <summary>
/// --base-precision int8: the training graph multiplies by the frozen base's weights in int8, forward and backward;
/// the eval graph and the default recipe are untouched; the gradients it gives (a straight-through estimate through
/// the quantized products) stay within int8's error of the float32 gradients, which the whole-model finite-difference
/// checks prove.
/// </summary>
[TestClass]
public sealed class Int8BasePrecisionTests
{
    [TestMethod]
    public void QuantizesEveryFrozenWeightProductOfTheTrainingGraphOnly()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var recipe = new ArtifactRecipe { HiddenDropout = 0, AttentionDropout = 0 };
        var fp32 = ArtifactBuilder.Build(model, recipe, temp["fp32"]);
        var int8 = ArtifactBuilder.Build(model, recipe with { BasePrecision = BasePrecision.Int8 }, temp["int8"]);

        var before = new OnnxGraph(TinyEncoder.LoadGraph(temp["fp32"], fp32.TrainingModel));
        var after = new OnnxGraph(TinyEncoder.LoadGraph(temp["int8"], int8.TrainingModel));
        Assert.AreEqual(before.Nodes.Count(n => ByFrozenWeight(before, n)), after.Nodes.Count(n => n.OpType == OpTypes.MatMulInteger), "one int8 product per float one");
        Assert.IsGreaterThan(0, after.Nodes.Count(n => n.OpType == OpTypes.MatMulInteger && MatMulFlopsIsGradient(n.Name)), "backward products are quantized too");
        Assert.IsFalse(after.Nodes.Any(n => ByFrozenWeight(after, n)), "a float MatMul by a frozen weight is left");
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(temp["fp32"], fp32.EvalModel)), File.ReadAllBytes(Path.Combine(temp["int8"], int8.EvalModel)), "the eval graph is float32");
        StringAssert.Contains(File.ReadAllText(Path.Combine(temp["int8"], "manifest.json")), "\"base_precision\": \"int8\"");
        Assert.DoesNotContain("base_precision", File.ReadAllText(Path.Combine(temp["fp32"], "manifest.json")), "the default recipe's JSON and hash are what they were");
    }

    [TestMethod]
    public void GradientsStayWithinInt8ErrorOfTheFloatGradients()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var recipe = new ArtifactRecipe { HiddenDropout = 0, AttentionDropout = 0, FuseOptimizer = false };
        var fp32 = ArtifactBuilder.Build(model, recipe, temp["fp32"]);
        ArtifactBuilder.Build(model, recipe with { BasePrecision = BasePrecision.Int8 }, temp["int8"]);
        var state = fp32.Trainable.Select(t =>
        {
            var dims = t.Dims.Select(long.Parse).ToArray();
            return new TensorFeed(t.Name, ArtifactFeeds.Random(t.Name, dims.Aggregate(1L, (p, d) => p * d), 0.3, 5), dims);
        }).ToList();
        var outputs = fp32.Trainable.Select(t => AdamWNames.Grad(t.Name)).Prepend("loss").ToList();
        List<TensorFeed> feeds = [.. ArtifactFeeds.Batch4(), .. state];
        var exact = FusedOptimizerTests.Run(Path.Combine(temp["fp32"], fp32.TrainingModel), feeds, outputs);
        var quantized = FusedOptimizerTests.Run(Path.Combine(temp["int8"], fp32.TrainingModel), feeds, outputs);

        Assert.AreEqual(exact[0][0], quantized[0][0], 0.01 * Math.Abs(exact[0][0]), "loss");
        var (a, b) = (exact.Skip(1).SelectMany(g => g).ToArray(), quantized.Skip(1).SelectMany(g => g).ToArray());
        double dot = 0, na = 0, nb = 0, diff = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; diff += (a[i] - b[i]) * (a[i] - b[i]); }
        var relative = Math.Sqrt(diff / na);
        Assert.IsLessThan(0.05, relative, $"relative L2 error of the gradients: {relative:E2}");
        Assert.IsGreaterThan(0.998, dot / Math.Sqrt(na * nb), "cosine of the two gradients");
    }

    static bool MatMulFlopsIsGradient(string name) => OrtAdapter.Autodiff.Analysis.MatMulFlops.IsGradient(name);

    /// <summary>A float MatMul whose weight is a frozen initializer or the transpose of one.</summary>
    static bool ByFrozenWeight(OnnxGraph g, OrtAdapter.Onnx.Protobuf.NodeProto n) =>
        n.OpType == OpTypes.MatMul && (g.IsInitializer(n.Input[1]) || g.Producer(n.Input[1]) is { OpType: OpTypes.Transpose } t && g.IsInitializer(t.Input[0]));
}
