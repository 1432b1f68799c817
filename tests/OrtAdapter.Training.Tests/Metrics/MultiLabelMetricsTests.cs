using OrtAdapter.Training.Metrics;

namespace OrtAdapter.Training.Tests.Metrics;

[TestClass]
public sealed class MultiLabelMetricsTests
{
    [TestMethod]
    public void MicroAndMacroF1AtHalfProbability()
    {
        // Predicted where the logit is > 0 (a logit of exactly 0 is probability 0.5, not above it):
        // class 0: TP 1; class 1: FN 1; class 2: TP 1, FP 1.
        var metrics = new MultiLabelMetrics(3);

        metrics.Add([2f, -1f, 3f], [1f, 0f, 1f]);
        metrics.Add([0f, -1f, 1f], [0f, 1f, 0f]);

        Assert.AreEqual(2, metrics.Count);
        Assert.AreEqual((1.0 + 0.0 + 2.0 / 3) / 3, metrics.MacroF1, 1e-12);
        Assert.AreEqual(2.0 * 2 / (2 * 2 + 1 + 1), metrics.MicroF1, 1e-12);
    }

    [TestMethod]
    public void AClassNeverPresentNorPredictedCountsZeroInMacroF1()
    {
        // sklearn on indicator matrices averages over every column, with zero_division 0.
        var metrics = new MultiLabelMetrics(2);

        metrics.Add([1f, -1f], [1f, 0f]);

        Assert.AreEqual(0.5, metrics.MacroF1, 1e-12);
        Assert.AreEqual(1.0, metrics.MicroF1, 1e-12);
    }

    [TestMethod]
    public void AnotherThresholdMovesTheDecision()
    {
        var metrics = new MultiLabelMetrics(1, threshold: 0.9);

        metrics.Add([2f, 2.5f], [1f, 1f]); // sigmoid 0.881 and 0.924

        Assert.AreEqual(2.0 * 1 / (2 * 1 + 0 + 1), metrics.MicroF1, 1e-12);
        Assert.ThrowsExactly<ArgumentException>(() => metrics.Add([1f], [1f, 0f]));
    }
}
