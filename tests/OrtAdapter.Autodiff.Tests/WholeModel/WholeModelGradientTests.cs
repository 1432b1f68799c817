using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff.Tests.WholeModel;

/// <summary>
/// Gradients of a scalar of a whole exported encoder (Σ outputs · fixed random weights, batch 2 × 6 with padding)
/// with respect to its own initializers, one of each kind of layer, against central finite differences. The check
/// runs on a double-precision copy of the model: in float, finite differences through four layers cannot resolve
/// weight coordinates of ~1e-2 to 1e-2 relative (the float loss's rounding noise over 2h is ~1e-3), so a float check
/// would fail on correct gradients. ORT has no double Erf, so the copy computes GELU in its tanh form; Erf's own
/// rule is checked in float by its rule test.
/// </summary>
[TestClass]
public sealed class WholeModelGradientTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("bert-mini-uncased/model_opset14.onnx")]
    [DataRow("bert-mini-uncased/model_opset17.onnx")]
    [DataRow("distilbert-style-random/model_opset14.onnx")]
    public void GradientsOfOwnInitializersMatchFiniteDifferences(string file)
    {
        var g = new OnnxGraph(Encoders.Load(Encoders.Bundled(file)));
        if (file.StartsWith("distilbert", StringComparison.Ordinal)) Encoders.RandomizeAllZeroTensors(g);
        var sample = Encoders.Sample(g);
        var (feeds, tokens) = Encoders.Feeds(g);
        var loss = Encoders.AddWeightedSumLoss(g);
        Encoders.ConvertToDouble(g);

        var dense = GradientChecker.Check(g.Model, loss, sample.Dense, feeds, WithStep(1e-4));
        var rows = ChosenCoordinates.Check(g.Model, loss, sample.WordEmbedding, EmbeddingCoordinates(g, sample.WordEmbedding, tokens), feeds, WithStep(1e-5));

        TestContext.WriteLine($"{file}: {sample.WordEmbedding}, {string.Join(", ", sample.Dense)}");
        TestContext.WriteLine(dense.Describe());
        TestContext.WriteLine(rows.Describe());
        TestContext.WriteLine($"pattern rules: {string.Join(", ", dense.Fused)}");
        // Below opset 17 the exports spell LayerNorm out op by op: this check then covers its pattern rule too, in every
        // layer (the embeddings' LayerNorm is off the gradient path: no sampled tensor lies below it).
        var layerNorms = g.Nodes.Count(n => n.OpType == OpTypes.Sqrt && n.Name.Contains("layer.", StringComparison.Ordinal));
        Assert.AreEqual(layerNorms, dense.Fused.Count(f => f.StartsWith("LayerNormalization (decomposed)", StringComparison.Ordinal)));
        Assert.IsTrue(dense.Passed, dense.Describe());
        Assert.IsTrue(rows.Passed, rows.Describe());
        var unused = rows.Coordinates.Where(c => !tokens.Contains(c.Index / HiddenSize(g, sample.WordEmbedding))).ToList();
        Assert.IsTrue(unused.Count > 0 && unused.All(c => c.Analytic == 0 && c.Numeric == 0), "Rows of tokens not in the batch must get exactly zero.");
    }

    /// <summary>
    /// GELU's pattern rule is off in the double copy (no Erf there), so the float encoder checks it whole: the
    /// gradients with the pattern rules equal those of the per-node rules to float rounding.
    /// </summary>
    [TestMethod]
    [DataRow("bert-mini-uncased/model_opset14.onnx")]
    [DataRow("bert-mini-uncased/model_opset17.onnx")]
    public void PatternRulesAgreeWithPerNodeRulesInFloat(string file)
    {
        var g = new OnnxGraph(Encoders.Load(Encoders.Bundled(file)));
        var sample = Encoders.Sample(g);
        var (feeds, _) = Encoders.Feeds(g);
        var loss = Encoders.AddWeightedSumLoss(g);
        var fused = GradientBuilder.Build(new OnnxGraph(g.Model.Clone()), loss, sample.Dense).Fused;
        TestContext.WriteLine($"pattern rules: {string.Join(", ", fused)}");
        Assert.IsTrue(fused.Any(f => f.StartsWith("Gelu at", StringComparison.Ordinal)));

        var withPatterns = PatternRuleTests.GradientsOf(g.Model, loss, sample.Dense, GradientRegistry.Default, feeds);
        var perNode = PatternRuleTests.GradientsOf(g.Model, loss, sample.Dense, GradientRegistry.PerNodeOnly, feeds);
        foreach (var t in sample.Dense)
        {
            double scale = perNode[t].Max(Math.Abs);
            double worst = withPatterns[t].Zip(perNode[t], (a, b) => Math.Abs(a - b)).Max() / scale;
            TestContext.WriteLine($"{t}: max |patterns - per node| / max |per node| = {worst:E2}");
            Assert.IsLessThanOrEqualTo(1e-5, worst, t);
        }
    }

    /// <summary>
    /// Tolerances.Double with another central-difference step (the tolerance and floor stay). A whole encoder is a
    /// long chain of double rounding: at the default 1e-6 the loss's rounding noise (~1e-14) over 2h swamps
    /// coordinates of about 1e-4; the double copy is smooth everywhere (no Erf, Relu or Abs), so a larger step is
    /// safe for weight coordinates (1e-4), while a word-embedding coordinate moves its token's LayerNorm statistics
    /// directly and is more curved (1e-5).
    /// </summary>
    static GradientCheckOptions WithStep(double step) => new()
    {
        Step = step, Tolerance = Tolerances.Double.Tolerance, Floor = Tolerances.Double.Floor, CoordinatesPerTensor = Tolerances.Double.CoordinatesPerTensor,
    };

    static long HiddenSize(OnnxGraph g, string table) => g.Initializer(table)!.Dims[1];

    /// <summary>Two coordinates in each row of a token in the batch, and one in each of a few rows of absent tokens.</summary>
    static long[] EmbeddingCoordinates(OnnxGraph g, string table, long[] tokens)
    {
        var (rows, h) = (g.Initializer(table)!.Dims[0], HiddenSize(g, table));
        var used = tokens.SelectMany(t => new[] { t * h + t * 31 % h, t * h + (t * 17 + 5) % h });
        var absent = new long[] { 1, 999, rows - 1 }.Where(t => !tokens.Contains(t)).Select(t => t * h + t % h);
        return [.. used.Concat(absent)];
    }
}
