namespace OrtAdapter.Autodiff;

/// <summary>A graph the engine cannot differentiate; the message names the op, the node and the opset.</summary>
public sealed class GradientException(string message) : Exception(message);
