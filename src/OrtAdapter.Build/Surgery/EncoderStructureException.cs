namespace OrtAdapter.Build.Surgery;

/// <summary>The graph is not an encoder of the recognised shape; the message says what was looked for and where matching failed.</summary>
public sealed class EncoderStructureException(string message) : Exception(message);
