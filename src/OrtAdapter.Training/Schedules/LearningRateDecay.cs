namespace OrtAdapter.Training.Schedules;

/// <summary>What the learning rate does after warm-up.</summary>
public enum LearningRateDecay
{
    /// <summary>Linear to 0 at the last step (torch/transformers <c>get_linear_schedule_with_warmup</c>).</summary>
    Linear,

    /// <summary>Half a cosine to 0 (<c>get_cosine_schedule_with_warmup</c>, <c>num_cycles = 0.5</c>).</summary>
    Cosine,

    /// <summary>Stays at the peak (<c>get_constant_schedule_with_warmup</c>; no warm-up with a fraction of 0).</summary>
    Constant,
}
