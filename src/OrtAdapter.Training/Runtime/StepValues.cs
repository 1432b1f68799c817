namespace OrtAdapter.Training.Runtime;

/// <summary>What a step feeds besides the batch: the loss weights, and for training steps the optimizer's scalars and the dropout key.</summary>
/// <param name="LossWeights">One weight per loss term, in the contract's order.</param>
/// <param name="LearningRate">This step's learning rate (training steps only).</param>
/// <param name="Step">The 1-based optimizer step after this update (training steps only).</param>
/// <param name="Seed">The run's seed: with <paramref name="MaskStep"/>, the key of the dropout masks.</param>
/// <param name="MaskStep">The batch's index in the run (a micro-batch's, with accumulation).</param>
public sealed record StepValues(IReadOnlyList<double> LossWeights, double? LearningRate = null, long? Step = null, ulong Seed = 0, long MaskStep = 0);
