namespace OrtAdapter.Build.Export;

/// <summary>
/// An export or attach that cannot be done with what was given (wrong base model, unreadable adapter file, no
/// artifacts folder); the message names the file and the fault. It derives from InvalidOperationException so
/// callers that report those as user errors (the CLI) report this one too.
/// </summary>
public sealed class ExportException : InvalidOperationException
{
    public ExportException(string message) : base(message) { }

    public ExportException(string message, Exception inner) : base(message, inner) { }
}
