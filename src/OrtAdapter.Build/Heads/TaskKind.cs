namespace OrtAdapter.Build.Heads;

/// <summary>
/// The task, one enum for the whole pipeline: what the label column holds, the head and the label layout the losses
/// expect, the metrics, and the activation at inference.
/// </summary>
public enum TaskKind
{
    /// <summary>One of C classes: labels int64 [batch]; softmax over the logits at inference.</summary>
    SingleLabel,

    /// <summary>Any subset of C labels: labels float [batch, C] of 0/1; sigmoid per logit at inference.</summary>
    MultiLabel,

    /// <summary>C real-valued targets (C = 1 for a single score): targets float [batch, C]; logits used as they are.</summary>
    Regression,
}

/// <summary>How the raw logits become predictions, per task.</summary>
public enum HeadActivation
{
    Softmax,
    Sigmoid,
    None,
}

public static class TaskKindExtensions
{
    /// <summary>The activation an inference library applies to the logits (the graph outputs raw logits).</summary>
    public static HeadActivation Activation(this TaskKind task) => task switch
    {
        TaskKind.SingleLabel => HeadActivation.Softmax,
        TaskKind.MultiLabel => HeadActivation.Sigmoid,
        _ => HeadActivation.None,
    };

    /// <summary>Lower-case words for messages and specs: "single-label", "multi-label", "regression".</summary>
    public static string Describe(this TaskKind task) => task switch
    {
        TaskKind.SingleLabel => "single-label",
        TaskKind.MultiLabel => "multi-label",
        _ => "regression",
    };
}
