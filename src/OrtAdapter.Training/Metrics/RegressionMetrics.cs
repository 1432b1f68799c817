using OrtAdapter.Training.Batching;

namespace OrtAdapter.Training.Metrics;

/// <summary>Regression: mean squared error and Pearson correlation of predictions with targets.</summary>
/// <remarks>
/// Means and co-moments are updated one row at a time (Welford), in double, so large evaluation sets lose no
/// precision to <c>sum(x^2) - n mean^2</c> cancellation. Pearson is NaN when either side has no variance (as scipy).
/// </remarks>
public sealed class RegressionMetrics : IMetricAccumulator
{
    double meanPrediction, meanTarget, squaredPrediction, squaredTarget, coMoment, squaredError;

    public long Count { get; private set; }

    /// <summary>Adds rows: one prediction and one target each.</summary>
    public void Add(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        if (predictions.Length != targets.Length)
            throw new ArgumentException($"Got {predictions.Length} predictions for {targets.Length} targets.", nameof(predictions));
        for (var i = 0; i < predictions.Length; i++)
        {
            double p = predictions[i], y = targets[i];
            Count++;
            var dp = p - meanPrediction;
            var dy = y - meanTarget;
            meanPrediction += dp / Count;
            meanTarget += dy / Count;
            squaredPrediction += dp * (p - meanPrediction);
            squaredTarget += dy * (y - meanTarget);
            coMoment += dp * (y - meanTarget);
            squaredError += (p - y) * (p - y);
        }
    }

    public void Add(ReadOnlySpan<float> outputs, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Add(outputs, batch.Targets ?? throw new ArgumentException("The batch has no regression targets.", nameof(batch)));
    }

    /// <summary>Mean of (prediction - target)^2; NaN before any row.</summary>
    public double MeanSquaredError => Count == 0 ? double.NaN : squaredError / Count;

    /// <summary>Pearson's r; NaN before two rows or when a side is constant.</summary>
    public double Pearson => squaredPrediction > 0 && squaredTarget > 0
        ? Math.Clamp(coMoment / Math.Sqrt(squaredPrediction * squaredTarget), -1.0, 1.0)
        : double.NaN;

    public IReadOnlyDictionary<string, double> Results() => new Dictionary<string, double>
    {
        [MetricNames.MeanSquaredError] = MeanSquaredError,
        [MetricNames.Pearson] = Pearson,
    };

    public void Reset()
    {
        meanPrediction = meanTarget = squaredPrediction = squaredTarget = coMoment = squaredError = 0;
        Count = 0;
    }
}
