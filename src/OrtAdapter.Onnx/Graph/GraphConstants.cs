using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>
/// Values that are constant in a graph: initializers that no feed can override, Constant nodes, and Identity chains
/// over them (torch.onnx routes shared or deduplicated parameters through Identity nodes).
/// </summary>
public static class GraphConstants
{
    /// <summary>The constant tensor behind <paramref name="name"/>, or null (graph inputs, computed values).</summary>
    public static TensorProto? Resolve(OnnxGraph graph, string name)
    {
        for (int hops = 0; hops < 16 && name.Length > 0; hops++)
        {
            // From IR 4 on, an initializer also listed as a graph input is only a default that a feed may override.
            if (graph.Initializer(name) is { } t) return graph.Model.IrVersion >= 4 && graph.IsGraphInput(name) ? null : t;
            switch (graph.Producer(name))
            {
                case { OpType: OpTypes.Constant } c: return ConstantTensor(c);
                case { OpType: OpTypes.Identity } id: name = id.Input[0]; continue;
                default: return null;
            }
        }
        return null;
    }

    public static bool IsConstant(OnnxGraph graph, string name) => Resolve(graph, name) is not null;

    /// <summary>The dims of a constant of rank <paramref name="rank"/>, or null.</summary>
    public static long[]? Dims(OnnxGraph graph, string name, int rank) =>
        Resolve(graph, name) is { } t && t.Dims.Count == rank ? [.. t.Dims] : null;

    /// <summary>A numeric constant scalar (or one-element tensor) as a double, or null.</summary>
    public static double? ScalarValue(OnnxGraph graph, string name) =>
        Resolve(graph, name) is { } t && TensorData.ElementCount(t.Dims) == 1 && t.DataType != (int)TensorProto.Types.DataType.String
            ? TensorData.ToDoublesConverting(t)[0] : null;

    /// <summary>True when <paramref name="name"/> is a constant scalar within a relative 1e-5 of <paramref name="expected"/>.</summary>
    public static bool IsScalar(OnnxGraph graph, string name, double expected) =>
        ScalarValue(graph, name) is { } v && Math.Abs(v - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected));

    /// <summary>A Constant node's value: its "value" tensor, or a value_float / value_int scalar.</summary>
    static TensorProto? ConstantTensor(NodeProto constant) =>
        Attr.GetTensor(constant, "value")
        ?? (Attr.Find(constant, "value_float") is { } f ? TensorData.FromFloats("", [f.F]) : null)
        ?? (Attr.Find(constant, "value_int") is { } i ? TensorData.FromInt64s("", [i.I]) : null);
}
