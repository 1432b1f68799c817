namespace OrtAdapter.Build.Checkpoints;

/// <summary>
/// Everything a checkpoint holds: the trainable tensors with their AdamW state (<c>p.exp_avg</c>,
/// <c>p.exp_avg_sq</c>, named as the optimizer graph names them) and the training state.
/// </summary>
public sealed class CheckpointData
{
    public required IReadOnlyDictionary<string, SafeTensor> Tensors { get; init; }
    public CheckpointState State { get; init; } = new();
}
