using OrtAdapter.Inference;
using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Metrics;

/// <summary>Picks the accumulator of a task.</summary>
public static class MetricAccumulator
{
    /// <param name="task">The task kind.</param>
    /// <param name="labelCount">Number of classes; ignored for regression.</param>
    public static IMetricAccumulator For(TaskKind task, int labelCount) => task switch
    {
        TaskKind.SingleLabel => new ClassificationMetrics(labelCount),
        TaskKind.MultiLabel => new MultiLabelMetrics(labelCount),
        TaskKind.Regression => new RegressionMetrics(),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
    };
}
