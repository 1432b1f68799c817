namespace OrtAdapter.Build.Artifacts;

/// <summary>Where the trainer takes a graph input's value from, each step.</summary>
public enum FeedSource
{
    /// <summary>The batch's column of the input's name: input_ids, attention_mask, token_type_ids, labels, teacher_logits, target_embedding.</summary>
    Data,
    /// <summary>A dropout mask made from (seed, step); its rate is in <see cref="ArtifactManifest.DropoutMasks"/>.</summary>
    DropoutMask,
    /// <summary>The weight of loss term <see cref="FedInput.Term"/>: the run's <c>--loss-weights</c>, else the recipe's.</summary>
    LossWeight,
    /// <summary>This step's learning rate (float scalar).</summary>
    LearningRate,
    /// <summary>The 1-based count of optimizer steps after this one (int64 scalar).</summary>
    Step,
    /// <summary>A trainable tensor, bound to its device-resident buffer.</summary>
    Trainable,
    /// <summary>An AdamW moment of a trainable tensor, bound to its device-resident buffer.</summary>
    OptimizerState,
    /// <summary>The gradient of a trainable tensor, which the training graph outputs and the separate optimizer graph reads.</summary>
    Gradient,
}

/// <summary>A graph input of the contract: name, element type, dims (numbers or symbolic names) and where its value comes from.</summary>
/// <param name="Term">For <see cref="FeedSource.LossWeight"/>: the 1-based loss term it weighs.</param>
public sealed record FedInput(string Name, string ElementType, IReadOnlyList<string> Dims, FeedSource Source, int? Term = null);
