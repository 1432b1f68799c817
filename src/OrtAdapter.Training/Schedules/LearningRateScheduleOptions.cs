namespace OrtAdapter.Training.Schedules;

/// <summary>Warm-up and decay of the learning rate.</summary>
public sealed class LearningRateScheduleOptions
{
    /// <summary>Warm-up length as a fraction of the total steps, rounded up (as transformers' <c>warmup_ratio</c>). Default 0.1.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Warm-up length in steps; overrides <see cref="WarmupFraction"/> when set. Default null.</summary>
    public long? WarmupSteps { get; init; }

    /// <summary>Decay after warm-up. Default <see cref="LearningRateDecay.Linear"/>.</summary>
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Linear;
}
