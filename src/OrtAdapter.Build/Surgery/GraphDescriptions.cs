using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>How surgery names nodes and a value's readers in its failure messages.</summary>
internal static class GraphDescriptions
{
    /// <summary>"'name' (OpType)".</summary>
    public static string Describe(OnnxGraph graph, NodeProto node) => $"'{node.Name}' ({node.OpType})";

    public static string DescribeConsumers(OnnxGraph graph, string value)
    {
        var consumers = graph.Consumers(value);
        var parts = consumers.Select(n => Describe(graph, n)).ToList();
        if (graph.IsGraphOutput(value)) parts.Add("the graph output");
        return parts.Count == 0 ? "nothing reads it" : string.Join(", ", parts);
    }
}
