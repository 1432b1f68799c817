using OrtAdapter.Inference;
namespace OrtAdapter.Build.Heads;

/// <summary>Options of <see cref="TaskHeadPass"/>.</summary>
public sealed class TaskHeadOptions
{
    /// <summary>What the head predicts. Default <see cref="TaskKind.SingleLabel"/>.</summary>
    public TaskKind Task { get; init; } = TaskKind.SingleLabel;

    /// <summary>Number of logits C: classes, labels or regression targets. Default 2.</summary>
    public int Outputs { get; init; } = 2;

    /// <summary>How the sequence is pooled. Default <see cref="PoolingKind.Mean"/> (the default recipe).</summary>
    public PoolingKind Pooling { get; init; } = PoolingKind.Mean;

    /// <summary>
    /// Dropout probability on the pooled vector before the linear layer, in [0, 1). Default 0 (none). When above 0
    /// the graph reads a bool mask input <see cref="HeadNames.DropoutMask"/> [batch, H] (true = keep), fed like every
    /// other dropout mask of the project so that runs are reproducible.
    /// </summary>
    public double Dropout { get; init; }

    /// <summary>Seed of the weight initialisation. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>The encoder value to pool, [batch, seq, H]. Default "last_hidden_state".</summary>
    public string HiddenState { get; init; } = HeadNames.HiddenState;

    /// <summary>The attention mask input [batch, seq] (any numeric type; 1 = real token). Default "attention_mask".</summary>
    public string AttentionMask { get; init; } = HeadNames.AttentionMask;

    /// <summary>
    /// Keep the encoder's own outputs (last_hidden_state, pooler_output). Default false: once a head exists they are
    /// not needed, and dropping them lets cleanup remove what only they used (BERT's pooler dense + tanh).
    /// </summary>
    public bool KeepEncoderOutputs { get; init; }
}
