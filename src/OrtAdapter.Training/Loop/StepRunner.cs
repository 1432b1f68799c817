using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Runtime;

namespace OrtAdapter.Training.Loop;

/// <summary>What one optimizer step reports.</summary>
/// <param name="Loss">The weighted loss (the mean over micro-batches when accumulating).</param>
/// <param name="Terms">Each term's unweighted value, in the contract's order.</param>
/// <param name="GradNorm">The global gradient norm before clipping.</param>
/// <param name="Position">Where in the plan the step's (last) batch is.</param>
/// <param name="Size">The examples the step saw.</param>
public sealed record StepOutputs(float Loss, float[] Terms, float GradNorm, BatchPosition Position, int Size);

/// <summary>
/// Runs one optimizer step: the batch the plan puts at that step (or its <c>accumulation</c> micro-batches), fed by the
/// manifest's contract, on the sessions' device-resident parameters. The loop gives it a step index and a learning rate.
/// </summary>
internal sealed class StepRunner(AdapterSessions sessions, FeedBuilder feeds, BatchCollator train, BatchPlan plan, ArtifactManifest manifest,
    IReadOnlyList<double> lossWeights, int accumulation, int seed)
{
    readonly string[] _terms = [.. manifest.LossTerms.Select(t => t.Output)];
    // What a step feeds, picked from the contract once (the sessions bind the parameters, moments and gradients).
    readonly FedInput[] _stepInputs = FedBySteps(manifest.TrainingInputs.Concat(manifest.OptimizerInputs));
    readonly FedInput[] _microBatchInputs = FedBySteps(manifest.TrainingInputs);
    readonly FedInput[] _optimizerInputs = FedBySteps(manifest.OptimizerInputs);

    public StepOutputs Run(long step, double lr) => accumulation == 1 ? Single(step, lr) : Accumulated(step, lr);

    /// <summary>
    /// Sizes the training session's memory for the longest batch of the run (the longest rows, a batch of them)
    /// with a step that changes no state; see <see cref="AdapterSessions.ReserveTrainingMemory"/>.
    /// </summary>
    public void ReserveMemory()
    {
        var longest = Enumerable.Range(0, train.Count).OrderByDescending(i => train.Lengths[i]).Take(plan.BatchSize).ToArray();
        var batch = train.Collate(longest);
        sessions.ReserveTrainingMemory(feeds.Reset().Fill(accumulation == 1 ? _stepInputs : _microBatchInputs, batch, new StepValues(lossWeights, 0, 1, (ulong)seed)).Feeds);
    }

    /// <summary>One batch, one Run (fused) or a training Run then an optimizer Run (unfused).</summary>
    StepOutputs Single(long step, double lr)
    {
        var batch = train.Collate(plan.BatchAt(step));
        feeds.Reset().Fill(_stepInputs, batch, new StepValues(lossWeights, lr, step + 1, (ulong)seed, step));
        var outputs = sessions.TrainStep(feeds.Feeds, [LossNames.Loss, .. _terms, AdamWNames.GradNorm]);
        return new StepOutputs(outputs[0], outputs[1..^1], outputs[^1], plan.Locate(step), batch.Size);
    }

    /// <summary>Gradients of <c>accumulation</c> consecutive batches averaged, then one AdamW update; losses averaged too.</summary>
    StepOutputs Accumulated(long step, double lr)
    {
        var means = new float[1 + _terms.Length];
        Batch batch = null!;
        int size = 0;
        for (int j = 0; j < accumulation; j++)
        {
            var micro = step * accumulation + j;
            batch = train.Collate(plan.BatchAt(micro));
            size += batch.Size;
            feeds.Reset().Fill(_microBatchInputs, batch, new StepValues(lossWeights, lr, step + 1, (ulong)seed, micro));
            var losses = sessions.AccumulateGradients(feeds.Feeds, [LossNames.Loss, .. _terms]);
            for (int i = 0; i < means.Length; i++) means[i] += losses[i] / accumulation;
        }
        feeds.Reset().Fill(_optimizerInputs, batch, new StepValues(lossWeights, lr, step + 1));
        var gradNorm = sessions.ApplyAccumulatedGradients(feeds.Feeds, [AdamWNames.GradNorm])[0];
        return new StepOutputs(means[0], means[1..], gradNorm, plan.Locate(step * accumulation + accumulation - 1), size);
    }

    static FedInput[] FedBySteps(IEnumerable<FedInput> inputs) =>
        [.. inputs.Where(i => i.Source is not (FeedSource.Trainable or FeedSource.OptimizerState or FeedSource.Gradient))];
}
