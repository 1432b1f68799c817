using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Reads values that are constant in an export: initializers, Constant nodes, and Identity chains over them
/// (torch.onnx routes shared or deduplicated parameters through Identity nodes).
/// </summary>
internal static class GraphConstants
{
    public static TensorProto? Resolve(OnnxGraph graph, string name)
    {
        for (int hops = 0; hops < 16 && name.Length > 0; hops++)
        {
            if (graph.Initializer(name) is { } t) return t;
            switch (graph.Producer(name))
            {
                case { OpType: OpTypes.Constant } c: return Attr.GetTensor(c, "value");
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

    /// <summary>A constant scalar (or one-element tensor) as a double, or null.</summary>
    public static double? ScalarValue(OnnxGraph graph, string name) =>
        Resolve(graph, name) is { } t && TensorData.ElementCount(t.Dims) == 1 && t.DataType != (int)TensorProto.Types.DataType.String
            ? TensorData.ToDoublesConverting(t)[0] : null;

    /// <summary>"'name' (OpType)" for messages; graph inputs and initializers are named as such.</summary>
    public static string Describe(OnnxGraph graph, NodeProto node) => $"'{node.Name}' ({node.OpType})";

    public static string DescribeConsumers(OnnxGraph graph, string value)
    {
        var consumers = graph.Consumers(value);
        var parts = consumers.Select(n => Describe(graph, n)).ToList();
        if (graph.IsGraphOutput(value)) parts.Add("the graph output");
        return parts.Count == 0 ? "nothing reads it" : string.Join(", ", parts);
    }
}
