using OrtAdapter.Training.Batching;

namespace OrtAdapter.Training.Metrics;

/// <summary>Collects the model outputs of an evaluation pass, batch by batch, and summarises them.</summary>
public interface IMetricAccumulator
{
    /// <summary>Rows seen so far.</summary>
    long Count { get; }

    /// <summary>Adds one batch: <paramref name="outputs"/> holds the head's <c>[B, C]</c> logits (or <c>[B]</c> predictions for regression), row-major.</summary>
    void Add(ReadOnlySpan<float> outputs, Batch batch);

    /// <summary>The metric values so far, keyed by <see cref="MetricNames"/>.</summary>
    IReadOnlyDictionary<string, double> Results();

    /// <summary>Forgets everything (before the next evaluation).</summary>
    void Reset();
}
