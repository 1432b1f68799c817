namespace OrtAdapter.Training.Reporting;

/// <summary>
/// One line of metrics.jsonl: <c>{"step":120,"epoch":1,"split":"dev","loss":0.41,"accuracy":0.8}</c>.
/// Values are flat so that pandas/jq read the file as a table.
/// </summary>
/// <param name="Step">Optimizer steps completed when the values were taken.</param>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Split">Where the values come from: <see cref="TrainSplit"/>, <see cref="DevSplit"/>, <see cref="TestSplit"/>.</param>
/// <param name="Values">Metric values by <see cref="Metrics.MetricNames"/> key; non-finite values are written as null and read back as NaN.</param>
public sealed record MetricsEntry(long Step, int Epoch, string Split, IReadOnlyDictionary<string, double> Values)
{
    public const string TrainSplit = "train";
    public const string DevSplit = "dev";
    public const string TestSplit = "test";

    /// <summary>The value of <paramref name="name"/>, or null when absent.</summary>
    public double? this[string name] => Values.TryGetValue(name, out var v) ? v : null;
}
