namespace OrtAdapter.Training.Reporting;

/// <summary>How progress is shown.</summary>
public sealed class ProgressOptions
{
    /// <summary>
    /// A live progress bar (true), plain lines (false), or decide from the console (null: a bar only when standard
    /// output is an interactive terminal, so CI logs get lines). Default null.
    /// </summary>
    public bool? Interactive { get; init; }

    /// <summary>Steps between two lines of the plain reporter (the last step is always written). Default 50.</summary>
    public int LineEverySteps { get; init; } = 50;
}
