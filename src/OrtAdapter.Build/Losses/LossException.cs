namespace OrtAdapter.Build.Losses;

/// <summary>A loss that cannot be built or fed as asked: bad spec, weights, inputs or labels. The message says what and where.</summary>
public sealed class LossException : Exception
{
    public LossException() { }
    public LossException(string message) : base(message) { }
    public LossException(string message, Exception inner) : base(message, inner) { }
}
