using System.Globalization;

namespace OrtAdapter.Training.Reporting;

/// <summary>
/// Plain progress for redirected output (CI logs, files): one line every N steps, e.g.
/// <c>step 100/750 (13%) epoch 1 loss 0.6931 245.3 samples/s eta 0:01:23</c>.
/// </summary>
public sealed class LineProgressReporter : IProgressReporter
{
    readonly TextWriter output;
    readonly int everySteps;
    readonly TimeProvider time;
    long firstStep = -1;
    long firstTimestamp;

    /// <param name="output">Where lines go (e.g. <see cref="Console.Out"/>).</param>
    /// <param name="everySteps">Steps between lines. Default 50.</param>
    /// <param name="time">Clock for the ETA; null for the system clock.</param>
    public LineProgressReporter(TextWriter output, int everySteps = 50, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        this.output = output;
        this.everySteps = everySteps;
        this.time = time ?? TimeProvider.System;
    }

    public void Report(long step, long totalSteps, int epoch, double loss, double samplesPerSecond)
    {
        // The ETA extrapolates from the first reported step, so a resumed run does not count skipped steps as fast.
        if (firstStep < 0)
        {
            firstStep = step;
            firstTimestamp = time.GetTimestamp();
        }
        if (step % everySteps != 0 && step != totalSteps) return;
        var done = step - firstStep;
        TimeSpan? eta = done > 0 ? time.GetElapsedTime(firstTimestamp) / done * (totalSteps - step) : null;
        var percent = totalSteps > 0 ? 100.0 * step / totalSteps : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ProgressFormat.Steps(step, totalSteps)} ({percent:0}%) {ProgressFormat.Status(epoch, loss, samplesPerSecond)} eta {ProgressFormat.Duration(eta)}"));
        output.Flush();
    }

    public void Log(string message)
    {
        output.WriteLine(message);
        output.Flush();
    }

    /// <summary>Does not dispose the writer, which the caller owns.</summary>
    public void Dispose() => output.Flush();
}
