using OrtAdapter.Inference;
using OrtAdapter.Inference.Tokenization;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Metrics;

namespace OrtAdapter.Training.Tests.Metrics;

[TestClass]
public sealed class RegressionMetricsTests
{
    [TestMethod]
    public void MeanSquaredErrorAndPearsonAccumulateOverBatches()
    {
        // p = [1,2,3,4], y = [2,2,4,5]: MSE = 3/4; r = 5.5 / sqrt(5 * 6.75) = 0.94672926...
        var metrics = new RegressionMetrics();

        metrics.Add([1f, 2f], [2f, 2f]);
        metrics.Add([3f, 4f], [4f, 5f]);

        Assert.AreEqual(0.75, metrics.MeanSquaredError, 1e-12);
        Assert.AreEqual(0.9467292624062575, metrics.Pearson, 1e-12);
        Assert.AreEqual(0.75, metrics.Results()[MetricNames.MeanSquaredError], 1e-12);
    }

    [TestMethod]
    public void PearsonIsNaNWhenASideIsConstant()
    {
        var metrics = new RegressionMetrics();

        metrics.Add([1f, 1f, 1f], [1f, 2f, 3f]);

        Assert.IsTrue(double.IsNaN(metrics.Pearson));
        Assert.AreEqual(5.0 / 3, metrics.MeanSquaredError, 1e-12);
    }

    [TestMethod]
    public void LargeOffsetsLoseNoPrecision()
    {
        var metrics = new RegressionMetrics();

        metrics.Add([100000f, 100001f, 100002f], [5f, 6f, 7f]);

        Assert.AreEqual(1.0, metrics.Pearson, 1e-12);
    }

    [TestMethod]
    public void TheFactoryPicksTheTaskAndReadsBatches()
    {
        var inputs = new TokenizedBatch([1, 2], [1, 1], [0, 0], 2, 1);
        var regression = MetricAccumulator.For(TaskKind.Regression, 0);
        var single = MetricAccumulator.For(TaskKind.SingleLabel, 2);

        regression.Add([1f, 3f], new Batch([0, 1], inputs, null, [1f, 1f]));
        single.Add([0f, 1f, 1f, 0f], new Batch([0, 1], inputs, [1L, 1L], null));

        Assert.AreEqual(2.0, regression.Results()[MetricNames.MeanSquaredError], 1e-12);
        Assert.AreEqual(0.5, single.Results()[MetricNames.Accuracy], 1e-12);
        Assert.IsInstanceOfType<MultiLabelMetrics>(MetricAccumulator.For(TaskKind.MultiLabel, 3));
        Assert.ThrowsExactly<ArgumentException>(() => single.Add([0f, 1f], new Batch([0], inputs, null, [1f])));
    }
}
