namespace OrtAdapter.Build.Checkpoints;

/// <summary>A safetensors file that cannot be read; the message names the file and the fault.</summary>
public sealed class SafeTensorsException : Exception
{
    public SafeTensorsException(string message) : base(message) { }

    public SafeTensorsException(string message, Exception inner) : base(message, inner) { }
}
