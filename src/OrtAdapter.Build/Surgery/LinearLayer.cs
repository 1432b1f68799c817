using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// A linear layer as exporters write it: <c>MatMul(x, W)</c> with a constant 2-D weight of shape [In, Out],
/// optionally followed by <c>Add(bias)</c> with a constant [Out] bias (in either operand order).
/// </summary>
/// <param name="MatMul">The MatMul node.</param>
/// <param name="BiasAdd">The bias Add node, or null when the layer has no bias.</param>
/// <param name="Weight">Name of the weight value (an initializer or a constant).</param>
/// <param name="Bias">Name of the bias value, or null.</param>
/// <param name="Output">The layer's output value (the bias Add's output, or the MatMul's).</param>
/// <param name="InFeatures">Rows of the weight.</param>
/// <param name="OutFeatures">Columns of the weight.</param>
/// <param name="ElemType">ONNX element type of the weight.</param>
public sealed record LinearLayer(NodeProto MatMul, NodeProto? BiasAdd, string Weight, string? Bias, string Output,
    long InFeatures, long OutFeatures, int ElemType)
{
    /// <summary>The value the layer reads now (read from the node, so it follows edits such as inserted dropout).</summary>
    public string Input => MatMul.Input[0];

    public override string ToString() => $"'{MatMul.Name}' (MatMul [{InFeatures}, {OutFeatures}])";
}
