namespace OrtAdapter.Training.Reporting;

/// <summary>Picks the progress display for the current console.</summary>
public static class ProgressReporter
{
    /// <summary>
    /// A <see cref="ConsoleProgressReporter"/> on an interactive terminal, otherwise a <see cref="LineProgressReporter"/>
    /// on standard output (see <see cref="ProgressOptions.Interactive"/>).
    /// </summary>
    public static IProgressReporter Create(ProgressOptions? options = null)
    {
        options ??= new();
        var interactive = options.Interactive ?? (!Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive);
        return interactive ? new ConsoleProgressReporter() : new LineProgressReporter(Console.Out, options.LineEverySteps);
    }
}
