namespace OrtAdapter.Training.Metrics;

/// <summary>F1 from counts, as scikit-learn computes it.</summary>
static class F1
{
    /// <summary>
    /// <c>2TP / (2TP + FP + FN)</c>, which equals the harmonic mean of precision and recall; 0 where that is 0/0
    /// (scikit-learn's default <c>zero_division="warn"</c> returns 0, and so do we, without the warning).
    /// </summary>
    public static double FromCounts(long truePositives, long falsePositives, long falseNegatives)
    {
        var denominator = 2.0 * truePositives + falsePositives + falseNegatives;
        return denominator == 0 ? 0.0 : 2.0 * truePositives / denominator;
    }
}
