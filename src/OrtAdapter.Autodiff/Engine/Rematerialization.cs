using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Autodiff;

/// <summary>
/// After the backward is emitted: a forward product that the backward reads, whose operands the backward keeps alive
/// anyway (or are graph inputs and initializers, alive throughout), is multiplied again where the backward needs it
/// instead of being kept from the forward pass. Attention's dropped-out probabilities P∘M are the case that pays:
/// P stays for the softmax gradient and M is a fed mask, so holding P∘M until dV = (P∘M)ᵀ·dO bought one Mul for a
/// [batch, heads, sequence, sequence] tensor per layer (W1: 25 MB each). The copy takes its operands in the other
/// order: ONNX Runtime's common-subexpression elimination compares inputs in order, so it keeps the copy apart.
/// </summary>
public static class Rematerialization
{
    /// <summary>Rewires the backward's reads of such products to copies; returns how many products were copied.</summary>
    public static int Apply(OnnxGraph graph, IReadOnlySet<NodeProto> forward)
    {
        var backward = graph.Nodes.Where(n => !forward.Contains(n)).ToList();
        var readByBackward = backward.SelectMany(n => n.Input).Where(i => i.Length > 0).ToHashSet(StringComparer.Ordinal);
        bool AliveThroughBackward(string value) => graph.Producer(value) is null or { OpType: OpTypes.Constant } || readByBackward.Contains(value);

        int copied = 0;
        foreach (var node in graph.Nodes.Where(forward.Contains).ToList())
        {
            if (node.OpType != OpTypes.Mul || node.Input.Count != 2 || !readByBackward.Contains(node.Output[0])) continue;
            if (!node.Input.All(AliveThroughBackward)) continue;
            var product = node.Output[0];
            var readers = backward.Where(n => n.Input.Contains(product)).ToList();
            var copy = new NodeProto
            {
                OpType = OpTypes.Mul, Name = graph.UniqueName(node.Name + "/recompute"),
                Input = { node.Input[1], node.Input[0] }, Output = { graph.UniqueName(product + "/recompute") },
            };
            graph.InsertBefore(readers[0], copy);
            foreach (var reader in readers)
                for (int i = 0; i < reader.Input.Count; i++)
                    if (reader.Input[i] == product) reader.Input[i] = copy.Output[0];
            copied++;
        }
        if (copied > 0) graph.Invalidate();
        return copied;
    }
}
