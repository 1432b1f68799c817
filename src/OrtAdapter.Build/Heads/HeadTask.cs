namespace OrtAdapter.Build.Heads;

/// <summary>What the head predicts; decides the label layout the losses expect and the activation at inference.</summary>
public enum HeadTask
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

public static class HeadTaskExtensions
{
    /// <summary>The activation an inference library applies to the logits (the graph outputs raw logits).</summary>
    public static HeadActivation Activation(this HeadTask task) => task switch
    {
        HeadTask.SingleLabel => HeadActivation.Softmax,
        HeadTask.MultiLabel => HeadActivation.Sigmoid,
        _ => HeadActivation.None,
    };

    /// <summary>Lower-case words for messages and specs: "single-label", "multi-label", "regression".</summary>
    public static string Describe(this HeadTask task) => task switch
    {
        HeadTask.SingleLabel => "single-label",
        HeadTask.MultiLabel => "multi-label",
        _ => "regression",
    };
}
