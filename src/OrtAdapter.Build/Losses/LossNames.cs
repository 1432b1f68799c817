namespace OrtAdapter.Build.Losses;

/// <summary>Names of the graph inputs and outputs the loss adds (the trainer feeds and reads these).</summary>
public static class LossNames
{
    public const string Loss = "loss";
    public const string Labels = "labels";
    public const string TeacherLogits = "teacher_logits";
    public const string TargetEmbedding = "target_embedding";
    public const string PooledView2 = "pooled_view2";

    /// <summary>"loss_term_1", "loss_term_2", ...: each term's unweighted value.</summary>
    public static string Term(int k) => $"loss_term_{k}";

    /// <summary>"loss_weight_1", "loss_weight_2", ...: scalar inputs holding each term's weight.</summary>
    public static string Weight(int k) => $"loss_weight_{k}";
}
