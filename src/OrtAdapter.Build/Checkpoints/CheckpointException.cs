namespace OrtAdapter.Build.Checkpoints;

/// <summary>A checkpoint that cannot be saved or loaded; the message names the file and the fault.</summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string message) : base(message) { }

    public CheckpointException(string message, Exception inner) : base(message, inner) { }
}
