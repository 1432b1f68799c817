using OrtAdapter.Training.Metrics;

namespace OrtAdapter.Training.Reporting;

/// <summary>Size and content of the training plots.</summary>
public sealed class TrainingPlotOptions
{
    /// <summary>Image width in pixels. Default 1000.</summary>
    public int Width { get; init; } = 1000;

    /// <summary>Height of curves.png in pixels (two panels). Default 800.</summary>
    public int CurvesHeight { get; init; } = 800;

    /// <summary>
    /// Weight of the exponential moving average drawn over the noisy per-step train loss, debiased as TensorBoard
    /// does so the curve starts at the first value; 0 draws no smoothed curve. Default 0.9.
    /// </summary>
    public double Smoothing { get; init; } = 0.9;

    /// <summary>The step of the best dev evaluation (the kept checkpoint), marked in both panels; null for none.</summary>
    public long? BestStep { get; init; }

    /// <summary>Dev metrics drawn in the lower panel, when the log has them. Default accuracy, macro-F1, micro-F1, Pearson.</summary>
    public IReadOnlyList<string> DevMetrics { get; init; } =
        [MetricNames.Accuracy, MetricNames.MacroF1, MetricNames.MicroF1, MetricNames.Pearson];
}
