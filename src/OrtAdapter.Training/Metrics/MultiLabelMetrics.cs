using OrtAdapter.Training.Batching;

namespace OrtAdapter.Training.Metrics;

/// <summary>Multi-label classification: micro- and macro-F1 of independent per-class decisions.</summary>
/// <remarks>
/// A class is predicted when its sigmoid probability exceeds the threshold (0.5: a positive logit). Macro-F1 averages
/// over all C classes, as sklearn does for indicator matrices, with 0 for a class whose F1 is 0/0 (its default
/// <c>zero_division</c>); micro-F1 pools the counts of all classes first.
/// </remarks>
public sealed class MultiLabelMetrics : IMetricAccumulator
{
    readonly long[] truePositives;
    readonly long[] falsePositives;
    readonly long[] falseNegatives;
    readonly float logitThreshold;

    /// <param name="labelCount">Number of classes (C).</param>
    /// <param name="threshold">Probability above which a class is predicted. Default 0.5.</param>
    public MultiLabelMetrics(int labelCount, double threshold = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(threshold, 1);
        LabelCount = labelCount;
        Threshold = threshold;
        // sigmoid(x) > t  <=>  x > logit(t): compare logits, no exp per element.
        logitThreshold = (float)Math.Log(threshold / (1 - threshold));
        truePositives = new long[labelCount];
        falsePositives = new long[labelCount];
        falseNegatives = new long[labelCount];
    }

    public int LabelCount { get; }

    public double Threshold { get; }

    public long Count { get; private set; }

    /// <summary>Adds rows: <paramref name="logits"/> and multi-hot <paramref name="targets"/> are both <c>[B, C]</c> row-major.</summary>
    public void Add(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        if (logits.Length != targets.Length || logits.Length % LabelCount != 0)
            throw new ArgumentException($"Expected [B, {LabelCount}] logits and targets, got {logits.Length} and {targets.Length} values.", nameof(logits));
        for (var i = 0; i < logits.Length; i++)
        {
            var c = i % LabelCount;
            var predicted = logits[i] > logitThreshold;
            var actual = targets[i] >= 0.5f;
            if (predicted && actual) truePositives[c]++;
            else if (predicted) falsePositives[c]++;
            else if (actual) falseNegatives[c]++;
        }
        Count += logits.Length / LabelCount;
    }

    public void Add(ReadOnlySpan<float> outputs, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Add(outputs, batch.Targets ?? throw new ArgumentException("The batch has no multi-hot targets.", nameof(batch)));
    }

    /// <summary>F1 of the pooled counts; NaN before any row.</summary>
    public double MicroF1 => Count == 0 ? double.NaN : F1.FromCounts(truePositives.Sum(), falsePositives.Sum(), falseNegatives.Sum());

    /// <summary>Mean per-class F1 over all classes; NaN before any row.</summary>
    public double MacroF1 => Count == 0 ? double.NaN
        : Enumerable.Range(0, LabelCount).Average(c => F1.FromCounts(truePositives[c], falsePositives[c], falseNegatives[c]));

    public IReadOnlyDictionary<string, double> Results() => new Dictionary<string, double>
    {
        [MetricNames.MicroF1] = MicroF1,
        [MetricNames.MacroF1] = MacroF1,
    };

    public void Reset()
    {
        Array.Clear(truePositives);
        Array.Clear(falsePositives);
        Array.Clear(falseNegatives);
        Count = 0;
    }
}
