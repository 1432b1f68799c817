namespace OrtAdapter.Training.Reporting;

/// <summary>TensorBoard's smoothing of a noisy curve.</summary>
public static class LossSmoothing
{
    /// <summary>
    /// <c>m = w m + (1 - w) v</c>, divided by <c>1 - w^(i+1)</c> so early points are not pulled towards 0;
    /// non-finite values are carried over without entering the average.
    /// </summary>
    public static double[] ExponentialMovingAverage(IReadOnlyList<double> values, double weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(weight, 1);
        var smoothed = new double[values.Count];
        double average = 0, debias = 1;
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                smoothed[i] = values[i];
                continue;
            }
            average = weight * average + (1 - weight) * values[i];
            debias *= weight;
            smoothed[i] = average / (1 - debias);
        }
        return smoothed;
    }
}
