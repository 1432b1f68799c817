namespace OrtAdapter.Onnx;

/// <summary>A model file, node or value that cannot be used as it is; the message names the file and the fault.</summary>
public sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message) : base(message) { }

    public OnnxFormatException(string message, Exception inner) : base(message, inner) { }
}
