using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff;

/// <summary>
/// After the backward is emitted: a cheap forward value that the backward reads, computed from values the backward
/// has anyway (graph inputs, initializers, values it reads itself), is computed again where the backward needs it
/// instead of being held from the forward pass. Two ops qualify. Mul: attention's dropped-out probabilities P∘M,
/// whose P stays for the softmax gradient, were held until dV = (P∘M)ᵀ·dO (W1: 25 MB per layer). DequantizeLinear
/// of a fed mask: the float mask a 1-byte dropout mask expands to. The copy is written so that ONNX Runtime's
/// common-subexpression elimination, which compares op, attributes and inputs in order, keeps it apart from the
/// forward's node: a Mul takes its operands in the other order, a DequantizeLinear states its default zero point.
/// </summary>
public static class Rematerialization
{
    /// <summary>Rewires the backward's reads of such values to copies; returns how many values were copied.</summary>
    public static int Apply(OnnxGraph graph, IReadOnlySet<NodeProto> forward)
    {
        bool InBackward(NodeProto n) => !forward.Contains(n);
        bool Available(string value) => graph.Producer(value) is null or { OpType: OpTypes.Constant } || graph.Consumers(value).Any(InBackward);

        int copied = 0;
        // Readers first: a product's copy reads its operands in the backward, which may then be copied in turn.
        foreach (var node in graph.Nodes.Where(forward.Contains).Reverse().ToList())
        {
            if (node.Output.Count != 1 || !node.Input.All(Available)) continue;
            var readers = graph.Consumers(node.Output[0]).Where(InBackward).ToList();
            if (readers.Count == 0 || CopyInputs(graph, node) is not { } inputs) continue;
            var copy = new NodeProto { OpType = node.OpType, Name = graph.UniqueName(node.Name + "/recompute"), Output = { graph.UniqueName(node.Output[0] + "/recompute") } };
            copy.Input.AddRange(inputs);
            copy.Attribute.AddRange(node.Attribute);
            graph.InsertBefore(graph.Nodes.First(readers.Contains), copy);
            foreach (var reader in readers)
                for (int i = 0; i < reader.Input.Count; i++)
                    if (reader.Input[i] == node.Output[0]) reader.Input[i] = copy.Output[0];
            graph.Invalidate();
            copied++;
        }
        return copied;
    }

    /// <summary>The copy's inputs, differing from the node's in a way CSE sees; null when the node does not qualify.</summary>
    static IEnumerable<string>? CopyInputs(OnnxGraph graph, NodeProto node)
    {
        if (node.OpType == OpTypes.Mul && node.Input.Count == 2) return [node.Input[1], node.Input[0]];
        if (node.OpType == OpTypes.DequantizeLinear && node.Input.Count == 2
            && graph.Proto.Input.FirstOrDefault(i => i.Name == node.Input[0]) is { } fed && TensorType.From(fed.Type)?.ElemType is (int)DataType.Uint8)
            return [node.Input[0], node.Input[1], new OpBuilder(graph, node.Name + "/recompute").Constant(TensorData.Scalar("", (byte)0))];
        return null;
    }
}
