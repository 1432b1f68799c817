namespace OrtAdapter.Build.Losses;

/// <summary>
/// Checks of what the trainer is about to feed. The graph itself cannot fail on a bad label (an out-of-range class
/// id gives a zero one-hot row and a silently wrong loss), so these run on the host before each batch.
/// </summary>
public static class LossInputs
{
    /// <summary>Single-label class ids: each in [0, numClasses). <paramref name="firstRow"/> numbers the rows in messages.</summary>
    public static void Validate(ReadOnlySpan<long> labels, long numClasses, long firstRow = 0)
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The head needs at least one class.");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= numClasses)
                throw new LossException($"Label {labels[i]} at row {firstRow + i} is out of range: the head has {numClasses} classes (ids 0 to {numClasses - 1}).");
    }

    /// <summary>Multi-label targets [rows, numLabels]: each 0..1 (usually exactly 0 or 1).</summary>
    public static void ValidateMultiLabel(ReadOnlySpan<float> targets, int numLabels, long firstRow = 0)
    {
        CheckLayout(targets.Length, numLabels);
        for (int i = 0; i < targets.Length; i++)
            if (!(targets[i] >= 0 && targets[i] <= 1))
                throw new LossException($"Multi-label target {targets[i]} at row {firstRow + i / numLabels}, label {i % numLabels} is not in [0, 1].");
    }

    /// <summary>Regression targets [rows, numTargets]: each finite.</summary>
    public static void ValidateRegression(ReadOnlySpan<float> targets, int numTargets, long firstRow = 0)
    {
        CheckLayout(targets.Length, numTargets);
        for (int i = 0; i < targets.Length; i++)
            if (!float.IsFinite(targets[i]))
                throw new LossException($"Regression target {targets[i]} at row {firstRow + i / numTargets}, column {i % numTargets} is not a finite number.");
    }

    static void CheckLayout(int length, int width)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "The head needs at least one output.");
        if (length % width != 0) throw new LossException($"{length} target values do not form rows of {width}.");
    }
}
