namespace OrtAdapter.Inference.Classification;

/// <summary>
/// An exported model lacks (or has a malformed) metadata entry, input or output; the message names the model file and the key.
/// An <see cref="IOException"/>: the fault is in a file the user gave.
/// </summary>
public sealed class ModelMetadataException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ModelMetadataException(string message, Exception? inner = null) : base(message, inner) { }
}
