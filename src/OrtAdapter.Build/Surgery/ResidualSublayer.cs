using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// The end of a post-LN sublayer: <c>Norm(input + Projection(..))</c>. Adapters go into the residual Add's
/// <see cref="ResidualSlot"/> input (after dropout, before the add); dropout goes on <see cref="LinearLayer.Output"/>.
/// </summary>
/// <param name="Projection">The sublayer's output projection.</param>
/// <param name="Residual">The residual Add node.</param>
/// <param name="ResidualSlot">Which input of <paramref name="Residual"/> carries the sublayer's output.</param>
/// <param name="Norm">The layer norm after the residual Add.</param>
public sealed record ResidualSublayer(LinearLayer Projection, NodeProto Residual, int ResidualSlot, LayerNormMatch Norm)
{
    public string Output => Norm.Output;
}
