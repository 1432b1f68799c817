using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Losses;

/// <summary>What a loss term builds from: a builder, the task, and the names of the values it may read.</summary>
public sealed class LossContext
{
    public required OpBuilder B { get; init; }
    public required TaskKind Task { get; init; }

    /// <summary>Element type of the predictions (float in training graphs, double in tests); the loss has it too.</summary>
    public required int ElemType { get; init; }

    /// <summary>C, the last dim of the logits.</summary>
    public required long NumClasses { get; init; }

    public string Logits { get; init; } = HeadNames.Logits;
    public string Pooled { get; init; } = HeadNames.Pooled;
    public string? Labels { get; init; }
    public string? TeacherLogits { get; init; }
    public string? TargetEmbedding { get; init; }

    /// <summary>A second pooled view of the same batch (SimCSE); null for the single-view InfoNCE.</summary>
    public string? PooledView2 { get; init; }

    /// <summary>A scalar constant of the loss's element type.</summary>
    public string Scalar(double value) => B.Scalar(value, ElemType);

    /// <summary>A value the term needs; fails naming the term when the composer was not given it.</summary>
    public string Require(string? value, string what, LossTerm term) =>
        value ?? throw new LossException($"Loss '{term.Name}' needs {what}, which this graph does not provide.");
}
