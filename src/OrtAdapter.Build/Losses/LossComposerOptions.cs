using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>Options of <see cref="LossComposer"/>.</summary>
public sealed class LossComposerOptions
{
    /// <summary>The weighted terms, in order (term k reads weight input "loss_weight_k"). Default <see cref="LossSpec.Default"/>.</summary>
    public IReadOnlyList<WeightedLoss> Terms { get; init; } = LossSpec.Default;

    /// <summary>The head's task; decides the labels' type and which terms apply. Default single-label.</summary>
    public TaskKind Task { get; init; } = TaskKind.SingleLabel;

    /// <summary>The logits value [batch, C]. Default "logits".</summary>
    public string Logits { get; init; } = HeadNames.Logits;

    /// <summary>The pooled embedding [batch, H]. Default "pooled".</summary>
    public string Pooled { get; init; } = HeadNames.Pooled;

    /// <summary>
    /// Where teacher logits [batch, C] come from: a value of the graph, or, when no value has this name, a graph
    /// input of that name is declared. Default null: the data has none, and "kd" is refused.
    /// </summary>
    public string? TeacherLogits { get; init; }

    /// <summary>Like <see cref="TeacherLogits"/>, for target embeddings [batch, H] ("cosine"). Default null.</summary>
    public string? TargetEmbedding { get; init; }

    /// <summary>A second pooled value of the same batch (must exist in the graph) for two-view InfoNCE. Default null.</summary>
    public string? PooledView2 { get; init; }
}
