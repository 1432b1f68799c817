namespace OrtAdapter.Training.Tests;

/// <summary>The numerical tolerances of this test project, in one place. Never loosen them to make a test pass.</summary>
static class Tolerances
{
    /// <summary>A resumed run against an uninterrupted one: checkpoint tensors and logged losses (absolute).</summary>
    public const double Resume = 1e-7;

    /// <summary>Standard deviations a dropout mask's kept fraction may stray from 1 - rate (binomial; ~1e-9 false alarms).</summary>
    public const double MaskSigmas = 6;

    /// <summary>Accumulated half-batch gradients against full batches: float summation order differs (relative).</summary>
    public const double Accumulation = 1e-5;
}
