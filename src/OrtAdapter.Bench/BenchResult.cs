using OrtAdapter.Build.Artifacts;

namespace OrtAdapter.Bench;

/// <summary>Figures of one benchmark run.</summary>
public sealed record BenchResult(
    string Encoder,
    int BatchSize,
    int SequenceLength,
    double TrainStepSeconds,
    double TrainSamplesPerSecond,
    double EvalStepSeconds,
    double EvalSamplesPerSecond,
    double TrainStepGflop,
    double TrainGflopPerSecond,
    double ForwardGflop,
    double GradientGflop,
    double MatMulGflopPerSecond,
    double PeakRssMb,
    long TrainableParameters,
    bool OptimizerFused,
    BasePrecision BasePrecision,
    string Device,
    long HostBytesPerStep,
    long BatchBytes,
    IReadOnlyList<PrecisionFigure> Precision,
    IReadOnlyList<MemoryPhase> Memory)
{
    public double EfficiencyVsMatMul => TrainGflopPerSecond / MatMulGflopPerSecond;

    public override string ToString() => string.Join(Environment.NewLine, [
        $"encoder {Encoder}, batch {BatchSize} x {SequenceLength} tokens, {TrainableParameters:N0} trainable, optimizer {(OptimizerFused ? "fused" : "separate")}, base {BasePrecision.ToString().ToLowerInvariant()}, device {Device}",
        $"train_step_s={TrainStepSeconds:F4} train_samples_per_s={TrainSamplesPerSecond:F1}",
        $"eval_step_s={EvalStepSeconds:F4} eval_samples_per_s={EvalSamplesPerSecond:F1}",
        $"train_step_gflop={TrainStepGflop:F1} (forward {ForwardGflop:F1}, backward {GradientGflop:F1}, ratio {GradientGflop / ForwardGflop:F2}) train_gflop_per_s={TrainGflopPerSecond:F1}",
        $"ort_matmul_4096x384x1536_gflop_per_s={MatMulGflopPerSecond:F1} training_step_efficiency={EfficiencyVsMatMul:P1}",
        $"host_to_device_bytes_per_step={HostBytesPerStep} (the batch with its labels and loss weights: {BatchBytes})",
        $"peak_rss_mb={PeakRssMb:F0}",
        $"memory_mb resident/peak after each phase: {string.Join(", ", Memory)} (sessions: frozen weights and graphs; train: activations and arena of the training steps; eval: the eval session's)",
        .. Precision.Select(f => f.ToString())]);
}
