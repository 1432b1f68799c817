namespace OrtAdapter.Build.Losses;

/// <summary>Which values a loss term reads.</summary>
[Flags]
public enum LossNeeds
{
    None = 0,
    Logits = 1,
    Pooled = 2,
    /// <summary>The task's labels: int64 [batch] (single-label) or float [batch, C] (multi-label, regression).</summary>
    Labels = 4,
    TeacherLogits = 8,
    TargetEmbedding = 16,
}
