using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Inference;
using OrtAdapter.Testing.Checking;

namespace OrtAdapter.Build.Tests.Losses;

/// <summary>Every loss term: value against a double reference, gradient against finite differences (double graphs).</summary>
[TestClass]
public sealed class LossTermTests
{
    const int Batch = 6, Classes = 3, Hidden = 5;
    const double FedWeight = 0.7;

    [TestMethod]
    [DataRow(0.0, false)]
    [DataRow(0.1, false)]
    [DataRow(0.0, true)]
    [DataRow(0.2, true)]
    public void CrossEntropy(double smoothing, bool weighted)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var labels = g.RandomLabels();
        double[]? weights = weighted ? [0.5, 2.0, 1.25] : null;
        var expected = LossReference.CrossEntropy(g.Logits, labels, Classes, smoothing, weights);
        Check(g, TaskKind.SingleLabel, new CrossEntropyLoss(smoothing, weights), expected, [LossGraph.Labels(labels)], HeadNames.Logits);
    }

    [TestMethod]
    [DataRow(2.0, 0.25)]
    [DataRow(1.5, 1.0)]
    [DataRow(0.0, 1.0)]
    public void Focal(double gamma, double alpha)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var labels = g.RandomLabels();
        var expected = LossReference.Focal(g.Logits, labels, Classes, gamma, alpha);
        Check(g, TaskKind.SingleLabel, new FocalLoss(gamma, alpha), expected, [LossGraph.Labels(labels)], HeadNames.Logits);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void BceWithLogits(bool hardTargets)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var targets = g.Random(0.5, Batch * Classes).Select(v => hardTargets ? (v > 0 ? 1.0 : 0.0) : v + 0.5).ToArray();
        var expected = LossReference.Bce(g.Logits, targets);
        Check(g, TaskKind.MultiLabel, new BceWithLogitsLoss(), expected, [g.DenseLabels(targets)], HeadNames.Logits);
    }

    [TestMethod]
    public void Mse()
    {
        var g = new LossGraph(Batch, 2, Hidden);
        var targets = g.Random(2, Batch * 2);
        var expected = LossReference.Mse(g.Logits, targets);
        Check(g, TaskKind.Regression, new MseLoss(), expected, [g.DenseLabels(targets)], HeadNames.Logits);
    }

    [TestMethod]
    [DataRow(1.0)]
    [DataRow(2.0)]
    [DataRow(4.0)]
    public void Distillation(double temperature)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var teacher = g.Random(4, Batch * Classes);
        var expected = LossReference.Distillation(g.Logits, teacher, Batch, Classes, temperature);
        Check(g, TaskKind.SingleLabel, new DistillationLoss(temperature), expected,
            [TensorFeed.Of(LossNames.TeacherLogits, teacher, Batch, Classes)], HeadNames.Logits,
            o => new LossComposerOptions { Task = o.Task, Terms = o.Terms, TeacherLogits = LossNames.TeacherLogits });
    }

    [TestMethod]
    public void CosineEmbedding()
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var target = g.Random(1, Batch * Hidden);
        var expected = LossReference.Cosine(g.Pooled, target, Batch, Hidden);
        Check(g, TaskKind.Regression, new CosineEmbeddingLoss(), expected,
            [TensorFeed.Of(LossNames.TargetEmbedding, target, Batch, Hidden)], HeadNames.Pooled,
            o => new LossComposerOptions { Task = o.Task, Terms = o.Terms, TargetEmbedding = LossNames.TargetEmbedding });
    }

    [TestMethod]
    [DataRow(0.2)]
    [DataRow(0.5)]
    public void InfoNceSingleView(double temperature)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var expected = LossReference.InfoNce(g.Pooled, g.Pooled, Batch, Hidden, temperature);
        Check(g, TaskKind.SingleLabel, new InfoNceLoss(temperature), expected, [], HeadNames.Pooled);
    }

    /// <summary>
    /// At SimCSE's 0.05 the self-similarity (20) dominates every row, so most gradient coordinates are ~1e-8, below
    /// what central differences resolve at 1e-6 relative error: the value is checked here, the gradient above.
    /// </summary>
    [TestMethod]
    public void InfoNceDefaultTemperatureValue()
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        g.Compose(TaskKind.SingleLabel, new WeightedLoss(new InfoNceLoss(), 1));
        var value = OrtRunner.Run(g.Model, [LossGraph.Weight(1, 1)], LossNames.Loss)[LossNames.Loss][0];
        AssertClose(LossReference.InfoNce(g.Pooled, g.Pooled, Batch, Hidden, 0.05), value, "infonce at 0.05");
    }

    [TestMethod]
    public void InfoNceTwoViews()
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var view2 = g.AddView2();
        var expected = LossReference.InfoNce(g.Pooled, g.View2!, Batch, Hidden, 0.1);
        Check(g, TaskKind.MultiLabel, new InfoNceLoss(0.1), expected, [], [HeadNames.Pooled, view2],
            o => new LossComposerOptions { Task = o.Task, Terms = o.Terms, PooledView2 = view2 });
    }

    [TestMethod]
    [DataRow(new long[] { 0, 1, 0, 2, 1, 0 }, 0.1)]   // label 2 has no positive: that anchor is left out
    [DataRow(new long[] { 1, 1, 1, 1, 0, 0 }, 0.5)]
    [DataRow(new long[] { 0, 1, 2, 3, 4, 5 }, 0.1)]   // no anchor has a positive: the loss is 0
    public void SupCon(long[] labels, double temperature)
    {
        var g = new LossGraph(Batch, labels.Max() >= Classes ? 6 : Classes, Hidden);
        var expected = LossReference.SupCon(g.Pooled, labels, Hidden, temperature);
        if (labels.Distinct().Count() == labels.Length) Assert.AreEqual(0.0, expected);
        Check(g, TaskKind.SingleLabel, new SupConLoss(temperature), expected, [LossGraph.Labels(labels)], HeadNames.Pooled);
    }

    [TestMethod]
    public void SupConOfOneSampleIsZero()
    {
        var g = new LossGraph(1, Classes, Hidden);
        g.Compose(TaskKind.SingleLabel, new WeightedLoss(new SupConLoss(), 1));
        var loss = OrtRunner.Run(g.Model, [LossGraph.Labels([2]), LossGraph.Weight(1, 1)], LossNames.Loss)[LossNames.Loss][0];
        Assert.AreEqual(0.0, loss);
    }

    static void Check(LossGraph g, TaskKind task, LossTerm term, double expected, TensorFeed[] inputs, string trainable,
        Func<LossComposerOptions, LossComposerOptions>? adjust = null) =>
        Check(g, task, term, expected, inputs, [trainable], adjust);

    static void Check(LossGraph g, TaskKind task, LossTerm term, double expected, TensorFeed[] inputs, string[] trainable,
        Func<LossComposerOptions, LossComposerOptions>? adjust = null)
    {
        g.Compose(task, adjust, new WeightedLoss(term, FedWeight));
        TensorFeed[] feeds = [.. inputs, LossGraph.Weight(1, FedWeight)];
        var outputs = OrtRunner.Run(g.Model, feeds, LossNames.Term(1), LossNames.Loss);
        AssertClose(expected, outputs[LossNames.Term(1)][0], $"{term} value");
        AssertClose(FedWeight * expected, outputs[LossNames.Loss][0], $"{term} weighted loss");

        var report = GradientChecker.Check(g.Model, LossNames.Loss, trainable, feeds, Tolerances.Double);
        Assert.IsTrue(report.Passed, $"{term} gradient: {report.Describe()}");
    }

    internal static void AssertClose(double expected, double actual, string what) =>
        Assert.IsTrue(Math.Abs(actual - expected) <= Tolerances.LossValue * Math.Max(1, Math.Abs(expected)),
            $"{what}: expected {expected:G12}, got {actual:G12}.");
}
