using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Heads;

/// <summary>Emits nodes whose output carries a fixed public name ("logits", "loss"), and declares graph inputs/outputs.</summary>
static class NamedValues
{
    /// <summary>One node whose single output is exactly <paramref name="output"/>; fails if the name is taken.</summary>
    public static string Emit(OpBuilder b, string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        if (b.Graph.IsDefined(output))
            throw new InvalidOperationException($"The graph already has a value named '{output}'.");
        var node = new NodeProto { OpType = opType, Name = b.Graph.UniqueName($"{b.Scope}/{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        b.Graph.AddNode(node);
        return output;
    }

    public static void AddOutput(OnnxGraph graph, string name, int elemType, params Dim[] shape)
    {
        if (graph.IsGraphOutput(name)) return;
        graph.Proto.Output.Add(new ValueInfoProto { Name = name, Type = new TensorType(elemType, shape).ToTypeProto() });
        graph.Invalidate();
    }

    public static void AddInput(OnnxGraph graph, string name, int elemType, params Dim[] shape)
    {
        if (graph.IsDefined(name)) throw new InvalidOperationException($"The graph already has a value named '{name}'.");
        graph.Proto.Input.Add(new ValueInfoProto { Name = name, Type = new TensorType(elemType, shape).ToTypeProto() });
        graph.Invalidate();
    }

    /// <summary>The batch dimension of a value for new inputs/outputs: its first dim, or a symbolic "batch_size".</summary>
    public static Dim BatchDim(TensorType? type) =>
        type?.Shape is { Count: > 0 } s && (s[0].IsKnown || s[0].Param is not null) ? s[0] : Dim.Named("batch_size");
}
