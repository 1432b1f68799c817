using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Rewrites a Transpose that only MatMuls read and that moves the last axis inward (attention's Kᵀ, exported as one
/// Transpose [B,S,H,D] -> [B,H,D,S], perm [0,2,3,1]) as a block move that keeps the last axis last ([0,2,1,3]), a
/// shape-keeping Reshape and a swap of the last two axes. ONNX Runtime copies the first cheaply (rows of D floats),
/// folds the swap into the MatMul (FusedMatMul transB), and cannot merge the two Transposes back through the Reshape.
/// The one strided copy took 1.2 ms of a default MiniLM step per layer, in training, evaluation and the exported model;
/// the backward then differentiates the swap with the product (<c>TransposedOperandPattern</c>). Same values. Where all
/// dims are static ONNX Runtime proves the Reshape a no-op, drops it and merges the Transposes again: nothing gained or lost.
/// </summary>
public static class MatMulLayoutPass
{
    /// <summary>Rewrites every such Transpose; returns how many.</summary>
    public static int Apply(OnnxGraph graph)
    {
        var rewritten = 0;
        foreach (var transpose in graph.Nodes.Where(n => n.OpType == OpTypes.Transpose).ToList())
        {
            if (Attr.GetInts(transpose, "perm") is not { Length: >= 3 } perm || BlockMoveBeforeSwap(perm) is not { } blockMove) continue;
            var output = transpose.Output[0];
            if (graph.IsGraphOutput(output) || graph.Consumers(output) is not { Count: > 0 } readers || readers.Any(r => r.OpType != OpTypes.MatMul)) continue;
            var b = new OpBuilder(graph, transpose.Name + "/layout");
            var moved = b.Reshape(b.Transpose(transpose.Input[0], blockMove), new long[perm.Length]);
            graph.RemoveNode(transpose);
            graph.AddNode(new NodeProto { OpType = OpTypes.Transpose, Name = transpose.Name, Input = { moved }, Output = { output },
                Attribute = { Attr.Ints("perm", Permutation.SwapLastTwo(perm.Length)) } });
            rewritten++;
        }
        if (rewritten > 0) graph.TopologicalSort();
        return rewritten;
    }

    /// <summary>
    /// For perm p that moves the last axis (not a plain swap of the last two), the perm q with q then swap = p, when q
    /// keeps the last axis last; else null.
    /// </summary>
    static long[]? BlockMoveBeforeSwap(long[] perm)
    {
        if (perm[^1] == perm.Length - 1) return null;
        // The swap is its own inverse: q = p then swap.
        var q = Permutation.Compose(perm, Permutation.SwapLastTwo(perm.Length));
        // q is the identity exactly when p is a plain swap, which ONNX Runtime already folds.
        return q[^1] != perm.Length - 1 || Permutation.IsIdentity(q) ? null : q;
    }
}
