using System.Globalization;
using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// One term of the loss: a subgraph from the predictions (and labels) to a scalar, the mean over the batch.
/// Terms are immutable and validate their parameters when made; <see cref="ToString"/> gives the spec that
/// <see cref="LossSpec.Parse"/> reads back.
/// </summary>
public abstract class LossTerm
{
    /// <summary>Canonical spec name ("ce", "supcon", ...).</summary>
    public abstract string Name { get; }

    public abstract LossNeeds Needs { get; }

    /// <summary>Whether the term makes sense for a head of this task.</summary>
    public abstract bool Supports(TaskKind task);

    /// <summary>Emits the term; returns the name of its scalar value.</summary>
    public abstract string Emit(LossContext context);

    /// <summary>Checks the term against the head before anything is emitted; throws <see cref="LossException"/>.</summary>
    public virtual void Check(TaskKind task, long numClasses)
    {
        if (!Supports(task))
            throw new LossException($"Loss '{Name}' does not apply to a {task.Describe()} head (it supports {SupportedTasks()}).");
    }

    /// <summary>Parameters that differ from their defaults, in spec order, as they appear in <see cref="ToString"/>.</summary>
    protected virtual IEnumerable<(string Key, string Value)> SpecParameters => [];

    public override string ToString()
    {
        var parameters = SpecParameters.Select(p => $"{p.Key}={p.Value}").ToList();
        return parameters.Count == 0 ? Name : $"{Name}:{string.Join(",", parameters)}";
    }

    protected static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    protected static double Positive(double value, string term, string parameter) =>
        double.IsFinite(value) && value > 0 ? value
        : throw new LossException($"Loss '{term}': {parameter} must be a positive number, got {Format(value)}.");

    string SupportedTasks() =>
        string.Join(", ", Enum.GetValues<TaskKind>().Where(Supports).Select(t => t.Describe()));
}
