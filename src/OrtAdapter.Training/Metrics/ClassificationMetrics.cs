using OrtAdapter.Training.Batching;

namespace OrtAdapter.Training.Metrics;

/// <summary>Single-label classification: accuracy, macro-F1 and the confusion matrix, from logits (argmax).</summary>
/// <remarks>
/// Macro-F1 follows <c>sklearn.metrics.f1_score(y_true, y_pred, average="macro")</c> with its defaults: it averages
/// over the classes that occur in the labels or the predictions (a class neither present nor predicted is left out,
/// as sklearn's inferred <c>labels</c> leave it out), and a class with F1 = 0/0 counts 0 (<c>zero_division="warn"</c>).
/// Ties in the logits go to the lowest class id, as <c>argmax</c> does.
/// </remarks>
public sealed class ClassificationMetrics : IMetricAccumulator
{
    readonly long[,] confusion;

    /// <param name="labelCount">Number of classes (C).</param>
    public ClassificationMetrics(int labelCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        LabelCount = labelCount;
        confusion = new long[labelCount, labelCount];
    }

    public int LabelCount { get; }

    public long Count { get; private set; }

    /// <summary>Adds rows: <paramref name="logits"/> is <c>[B, C]</c> row-major, <paramref name="labels"/> <c>[B]</c>.</summary>
    public void Add(ReadOnlySpan<float> logits, ReadOnlySpan<long> labels)
    {
        if (logits.Length != labels.Length * LabelCount)
            throw new ArgumentException($"Expected {labels.Length} x {LabelCount} logits, got {logits.Length}.", nameof(logits));
        for (var r = 0; r < labels.Length; r++)
        {
            var label = labels[r];
            if ((ulong)label >= (ulong)LabelCount) throw new ArgumentOutOfRangeException(nameof(labels), label, $"Label ids run from 0 to {LabelCount - 1}.");
            confusion[label, ArgMax(logits.Slice(r * LabelCount, LabelCount))]++;
        }
        Count += labels.Length;
    }

    public void Add(ReadOnlySpan<float> outputs, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Add(outputs, batch.LabelIds ?? throw new ArgumentException("The batch has no class labels.", nameof(batch)));
    }

    /// <summary>Counts by true class (row) and predicted class (column); a copy.</summary>
    public long[,] ConfusionMatrix => (long[,])confusion.Clone();

    /// <summary>Correct predictions over all rows; NaN before any row.</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (var c = 0; c < LabelCount; c++) correct += confusion[c, c];
            return Count == 0 ? double.NaN : (double)correct / Count;
        }
    }

    /// <summary>F1 of class <paramref name="c"/> (0 when it is neither present nor predicted).</summary>
    public double F1Of(int c) => F1.FromCounts(confusion[c, c], Predicted(c) - confusion[c, c], Actual(c) - confusion[c, c]);

    /// <summary>Mean F1 over the classes present or predicted (see the remarks); NaN before any row.</summary>
    public double MacroF1
    {
        get
        {
            var seen = Enumerable.Range(0, LabelCount).Where(c => Actual(c) + Predicted(c) > 0).ToArray();
            return seen.Length == 0 ? double.NaN : seen.Average(F1Of);
        }
    }

    public IReadOnlyDictionary<string, double> Results() => new Dictionary<string, double>
    {
        [MetricNames.Accuracy] = Accuracy,
        [MetricNames.MacroF1] = MacroF1,
    };

    public void Reset()
    {
        Array.Clear(confusion);
        Count = 0;
    }

    long Actual(int c)
    {
        long sum = 0;
        for (var p = 0; p < LabelCount; p++) sum += confusion[c, p];
        return sum;
    }

    long Predicted(int c)
    {
        long sum = 0;
        for (var t = 0; t < LabelCount; t++) sum += confusion[t, c];
        return sum;
    }

    static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best]) best = i;
        }
        return best;
    }
}
