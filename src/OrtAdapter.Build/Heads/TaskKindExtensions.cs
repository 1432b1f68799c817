using OrtAdapter.Inference;

namespace OrtAdapter.Build.Heads;

/// <summary>How the raw logits become predictions, per task.</summary>
public enum HeadActivation
{
    Softmax,
    Sigmoid,
    None,
}

public static class TaskKindExtensions
{
    /// <summary>The activation an inference library applies to the logits (the graph outputs raw logits).</summary>
    public static HeadActivation Activation(this TaskKind task) => task switch
    {
        TaskKind.SingleLabel => HeadActivation.Softmax,
        TaskKind.MultiLabel => HeadActivation.Sigmoid,
        _ => HeadActivation.None,
    };

    /// <summary>Lower-case words for messages and specs: "single-label", "multi-label", "regression".</summary>
    public static string Describe(this TaskKind task) => task switch
    {
        TaskKind.SingleLabel => "single-label",
        TaskKind.MultiLabel => "multi-label",
        _ => "regression",
    };
}
