namespace OrtAdapter.Inference.Classification;

/// <summary>The prediction for one text (or text pair).</summary>
/// <param name="Label">The name of the most probable label (the highest score for regression).</param>
/// <param name="LabelId">Its index in <see cref="TextClassifier.Labels"/>.</param>
/// <param name="Probabilities">One per label: softmax (single-label), sigmoid (multi-label) or the raw scores (regression).</param>
/// <param name="Scores">The raw logits, one per label.</param>
/// <param name="Labels">
/// The predicted label set: for a multi-label model every label whose probability reaches
/// <see cref="ClassifierOptions.MultiLabelThreshold"/> (possibly none); otherwise just <paramref name="Label"/>.
/// </param>
public sealed record Prediction(string Label, int LabelId, float[] Probabilities, float[] Scores, IReadOnlyList<string> Labels)
{
    /// <summary>The probability of <see cref="Label"/>.</summary>
    public float Probability => Probabilities[LabelId];
}
