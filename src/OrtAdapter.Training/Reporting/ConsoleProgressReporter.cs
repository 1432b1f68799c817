using Spectre.Console;

namespace OrtAdapter.Training.Reporting;

/// <summary>
/// A live Spectre.Console progress bar: step/total, epoch, loss, samples/s, elapsed time and ETA.
/// </summary>
/// <remarks>
/// Spectre's progress display runs inside a callback; the trainer's loop is not, so the display runs on a
/// background thread for the reporter's lifetime and <see cref="Report"/> only updates its task (Spectre's
/// <see cref="ProgressTask"/> is thread-safe and the display refreshes itself).
/// </remarks>
public sealed class ConsoleProgressReporter : IProgressReporter
{
    readonly IAnsiConsole console;
    readonly TaskCompletionSource<ProgressTask> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task? display;
    bool disposed;

    /// <param name="console">The console to draw on; null for <see cref="AnsiConsole.Console"/>.</param>
    public ConsoleProgressReporter(IAnsiConsole? console = null) => this.console = console ?? AnsiConsole.Console;

    public void Report(long step, long totalSteps, int epoch, double loss, double samplesPerSecond)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var task = Task();
        task.MaxValue = Math.Max(1, totalSteps);
        task.Value = Math.Min(step, totalSteps);
        task.Description = Markup.Escape($"{ProgressFormat.Steps(step, totalSteps)} {ProgressFormat.Status(epoch, loss, samplesPerSecond)}");
    }

    public void Log(string message)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        console.WriteLine(message);
    }

    /// <summary>Stops the display, leaving its last state on screen.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        finished.TrySetResult();
        display?.GetAwaiter().GetResult();
    }

    ProgressTask Task()
    {
        if (display is null)
        {
            var progress = console.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn());
            display = System.Threading.Tasks.Task.Run(() => progress.StartAsync(async context =>
            {
                started.TrySetResult(context.AddTask("starting", autoStart: true));
                await finished.Task.ConfigureAwait(false);
                context.Refresh();
            }));
            // A display that fails to start must not leave Report waiting for its task forever.
            display.ContinueWith(t =>
            {
                if (t.Exception is { } e) started.TrySetException(e.InnerExceptions);
                else started.TrySetCanceled();
            }, TaskScheduler.Default);
        }
        return started.Task.GetAwaiter().GetResult();
    }
}
