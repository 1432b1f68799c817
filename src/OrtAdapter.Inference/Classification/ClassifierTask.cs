namespace OrtAdapter.Inference.Classification;

/// <summary>What an exported head predicts; decides how logits become <see cref="Prediction.Probabilities"/>.</summary>
public enum ClassifierTask
{
    /// <summary>One of C labels: softmax over the logits.</summary>
    SingleLabel,

    /// <summary>Any subset of C labels: a sigmoid per logit.</summary>
    MultiLabel,

    /// <summary>C real-valued targets: the logits as they are.</summary>
    Regression,
}
