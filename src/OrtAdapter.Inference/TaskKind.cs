namespace OrtAdapter.Inference;

/// <summary>
/// The task, one enum for the whole pipeline: what the label column holds, the head and the label layout the losses
/// expect, the metrics, and how an exported model's logits become predictions. It lives here, in the library apps
/// reference, so that apps and training share it.
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
