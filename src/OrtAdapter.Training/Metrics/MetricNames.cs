namespace OrtAdapter.Training.Metrics;

/// <summary>Keys of metric values, as written to metrics.jsonl and read by the plots.</summary>
public static class MetricNames
{
    public const string Loss = "loss";
    public const string LearningRate = "lr";
    public const string Accuracy = "accuracy";
    public const string MacroF1 = "macro_f1";
    public const string MicroF1 = "micro_f1";
    public const string MeanSquaredError = "mse";
    public const string Pearson = "pearson";
}
