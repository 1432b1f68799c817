namespace OrtAdapter.Training.Data;

/// <summary>What the label column holds, and so how examples carry their targets.</summary>
public enum TaskKind
{
    /// <summary>One class per example (<see cref="Example.LabelIds"/> has one id).</summary>
    SingleLabel,

    /// <summary>Any number of classes per example: a list, a JSON array or a separator-delimited string.</summary>
    MultiLabel,

    /// <summary>A real-valued target (<see cref="Example.Target"/>); there is no label set.</summary>
    Regression,
}
