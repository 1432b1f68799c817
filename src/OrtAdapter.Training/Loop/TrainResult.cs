namespace OrtAdapter.Training.Loop;

/// <summary>What a run reached: best dev epoch and metrics, test metrics of the best checkpoint, speed.</summary>
public sealed record TrainResult(
    long Steps,
    int BestEpoch,
    long BestStep,
    IReadOnlyDictionary<string, double> BestDev,
    IReadOnlyDictionary<string, double>? Test,
    double TrainSamplesPerSecond,
    TimeSpan Elapsed,
    string BestCheckpoint);
