namespace OrtAdapter.Training.Schedules;

/// <summary>
/// The learning rate of each 0-based optimizer step: <c>peak * step / warmup</c> during warm-up, then the decay.
/// Step 0 thus gets 0 with any warm-up, as torch's <c>LambdaLR</c> gives the first <c>optimizer.step()</c>.
/// </summary>
public sealed class LearningRateSchedule
{
    /// <param name="peakLearningRate">The rate reached at the end of warm-up (e.g. 1e-3).</param>
    /// <param name="totalSteps">Optimizer steps in the whole run (epochs x batches per epoch).</param>
    /// <param name="options">Warm-up and decay; null for the defaults.</param>
    public LearningRateSchedule(double peakLearningRate, long totalSteps, LearningRateScheduleOptions? options = null)
    {
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(peakLearningRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmupFraction, nameof(options.WarmupFraction));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.WarmupFraction, 1, nameof(options.WarmupFraction));
        PeakLearningRate = peakLearningRate;
        TotalSteps = totalSteps;
        Decay = options.Decay;
        // Rounded to 9 places first so that e.g. 30 * 0.1 = 3.0000000000000004 does not round up to 4.
        WarmupSteps = options.WarmupSteps ?? (long)Math.Ceiling(Math.Round(totalSteps * options.WarmupFraction, 9));
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps, nameof(options.WarmupSteps));
    }

    public double PeakLearningRate { get; }

    public long TotalSteps { get; }

    public long WarmupSteps { get; }

    public LearningRateDecay Decay { get; }

    /// <summary>The learning rate of 0-based step <paramref name="step"/>; steps past the end keep the final value.</summary>
    public double At(long step) => PeakLearningRate * Factor(step);

    /// <summary>The multiplier of the peak rate, as torch's lambda returns it (same expressions, in double).</summary>
    public double Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return (double)step / Math.Max(1, WarmupSteps);
        var decaySteps = (double)Math.Max(1, TotalSteps - WarmupSteps);
        return Decay switch
        {
            LearningRateDecay.Linear => Math.Max(0.0, (TotalSteps - step) / decaySteps),
            LearningRateDecay.Cosine => Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * Math.Min(1.0, (step - WarmupSteps) / decaySteps)))),
            _ => 1.0,
        };
    }
}
