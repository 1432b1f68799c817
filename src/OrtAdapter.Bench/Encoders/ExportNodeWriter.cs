using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Bench.Encoders;

/// <summary>
/// Appends nodes named the way torch.onnx.export names them: a node in module scope "/encoder/layer.0/intermediate"
/// is "{scope}/{Op}", then "{scope}/{Op}_1", ... (counted per scope and op type) and its output "{name}_output_0".
/// Nodes the exporter creates outside any module (some Constants, the Identity aliases) have no scope: they are
/// named "{Op}_{n}" once the graph is complete, where n is the node's index plus the number of Constant nodes,
/// which is what the exporter's numbering comes to.
/// </summary>
sealed class ExportNodeWriter(GraphProto graph)
{
    readonly Dictionary<(string Scope, string Op), int> _counts = [];

    /// <summary>Emits a scoped node and returns its output; <paramref name="output"/> overrides the output name (graph outputs).</summary>
    public string Op(string scope, string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        var key = (scope, opType);
        var n = _counts.GetValueOrDefault(key);
        _counts[key] = n + 1;
        var name = n == 0 ? $"{scope}/{opType}" : $"{scope}/{opType}_{n}";
        return Append(name, opType, inputs, output ?? name + "_output_0", attributes);
    }

    public string Op(string scope, string opType, string[] inputs, params AttributeProto[] attributes) =>
        Op(scope, opType, inputs, null, attributes);

    /// <summary>A scoped Constant node.</summary>
    public string Constant(string scope, TensorProto value) => Op(scope, OpTypes.Constant, [], Attr.Tensor("value", value));

    /// <summary>An unscoped Constant node producing <paramref name="output"/>.</summary>
    public string LooseConstant(string output, TensorProto value) =>
        Append("", OpTypes.Constant, [], output, [Attr.Tensor("value", value)]);

    /// <summary>An unscoped Identity node: <paramref name="output"/> aliases <paramref name="input"/>.</summary>
    public void LooseIdentity(string input, string output) => Append("", OpTypes.Identity, [input], output, []);

    /// <summary>Names the unscoped nodes; call once, after the last node.</summary>
    public void NameLooseNodes()
    {
        var constants = graph.Node.Count(n => n.OpType == OpTypes.Constant);
        for (int i = 0; i < graph.Node.Count; i++)
            if (graph.Node[i].Name.Length == 0) graph.Node[i].Name = $"{graph.Node[i].OpType}_{i + constants}";
    }

    string Append(string name, string opType, string[] inputs, string output, AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }
}
