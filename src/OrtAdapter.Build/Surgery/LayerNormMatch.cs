using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>A layer normalization over the last axis: one LayerNormalization node (opset ≥ 17) or the decomposed form.</summary>
/// <param name="Input">The normalised value.</param>
/// <param name="Output">The normalised, scaled and shifted result.</param>
/// <param name="First">The LayerNormalization node, or the first ReduceMean of the decomposed form.</param>
/// <param name="Decomposed">True for ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add.</param>
public sealed record LayerNormMatch(string Input, string Output, NodeProto First, bool Decomposed)
{
    public override string ToString() => $"'{First.Name}' ({(Decomposed ? "decomposed layer norm" : "LayerNormalization")})";
}
