using OrtAdapter.Training.Metrics;

namespace OrtAdapter.Training.Tests.Metrics;

[TestClass]
public sealed class ClassificationMetricsTests
{
    /// <summary>One-hot-ish logits that argmax to <paramref name="predictions"/>.</summary>
    static float[] Logits(int classes, params int[] predictions)
    {
        var logits = new float[predictions.Length * classes];
        for (var r = 0; r < predictions.Length; r++)
        {
            for (var c = 0; c < classes; c++) logits[r * classes + c] = c == predictions[r] ? 2.5f : -1f - c;
        }
        return logits;
    }

    [TestMethod]
    public void AccuracyMacroF1AndConfusionAccumulateOverBatches()
    {
        // y_true [0,0,1,1,2,2], y_pred [0,1,1,1,2,0]: F1 = 2/4, 4/5, 2/3 (sklearn gives the same).
        var metrics = new ClassificationMetrics(3);

        metrics.Add(Logits(3, 0, 1, 1), [0L, 0, 1]);
        metrics.Add(Logits(3, 1, 2, 0), [1L, 2, 2]);

        Assert.AreEqual(6, metrics.Count);
        Assert.AreEqual(4.0 / 6, metrics.Accuracy, 1e-12);
        Assert.AreEqual(0.5, metrics.F1Of(0), 1e-12);
        Assert.AreEqual(0.8, metrics.F1Of(1), 1e-12);
        Assert.AreEqual(2.0 / 3, metrics.F1Of(2), 1e-12);
        Assert.AreEqual((0.5 + 0.8 + 2.0 / 3) / 3, metrics.MacroF1, 1e-12);
        CollectionAssert.AreEqual(new long[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 1, 0, 1 } }, metrics.ConfusionMatrix);
    }

    [TestMethod]
    public void AClassNeitherPresentNorPredictedIsLeftOutOfMacroF1()
    {
        // sklearn's f1_score(average="macro") infers labels from y_true and y_pred, so class 3 does not count.
        var metrics = new ClassificationMetrics(4);

        metrics.Add(Logits(4, 0, 1, 1, 1, 2, 0), [0L, 0, 1, 1, 2, 2]);

        Assert.AreEqual((0.5 + 0.8 + 2.0 / 3) / 3, metrics.MacroF1, 1e-12);
        Assert.AreEqual(0.0, metrics.F1Of(3));
    }

    [TestMethod]
    public void AClassPredictedButAbsentCountsZero()
    {
        // f1_score([0,0], [0,1], average="macro") = (2/3 + 0) / 2 (zero_division: 0).
        var metrics = new ClassificationMetrics(2);

        metrics.Add(Logits(2, 0, 1), [0L, 0]);

        Assert.AreEqual(1.0 / 3, metrics.MacroF1, 1e-12);
        Assert.AreEqual(0.5, metrics.Accuracy);
    }

    [TestMethod]
    public void TiesGoToTheLowestClassAsArgmaxDoes()
    {
        var metrics = new ClassificationMetrics(3);

        metrics.Add([0.5f, 0.5f, 0.5f, -1f, 3f, 3f], [0L, 1]);

        Assert.AreEqual(1.0, metrics.Accuracy);
    }

    [TestMethod]
    public void ResultsResetAndBadInput()
    {
        var metrics = new ClassificationMetrics(2);
        metrics.Add(Logits(2, 1), [1L]);

        Assert.AreEqual(1.0, metrics.Results()[MetricNames.Accuracy]);
        Assert.AreEqual(1.0, metrics.Results()[MetricNames.MacroF1]);
        metrics.Reset();
        Assert.AreEqual(0, metrics.Count);
        Assert.IsTrue(double.IsNaN(metrics.Accuracy));
        Assert.IsTrue(double.IsNaN(metrics.MacroF1));
        Assert.ThrowsExactly<ArgumentException>(() => metrics.Add(new float[3], [0L, 1]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => metrics.Add(new float[2], [2L]));
    }
}
