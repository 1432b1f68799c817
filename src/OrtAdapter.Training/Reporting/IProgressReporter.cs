namespace OrtAdapter.Training.Reporting;

/// <summary>Shows training progress; the trainer calls <see cref="Report"/> after every optimizer step.</summary>
/// <remarks>Implementations are used from the training thread only.</remarks>
public interface IProgressReporter : IDisposable
{
    /// <summary>Reports a finished step.</summary>
    /// <param name="step">Steps completed, 1..<paramref name="totalSteps"/> (a resumed run starts above 1).</param>
    /// <param name="totalSteps">Steps in the whole run.</param>
    /// <param name="epoch">0-based epoch of the step.</param>
    /// <param name="loss">The step's training loss.</param>
    /// <param name="samplesPerSecond">Recent training throughput.</param>
    void Report(long step, long totalSteps, int epoch, double loss, double samplesPerSecond);

    /// <summary>Writes a line (an evaluation result, a checkpoint) without breaking the progress display.</summary>
    void Log(string message);
}
