using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Autodiff;

/// <summary>
/// A MatMul whose operand is Transpose(r) over the last two axes, read by nothing else (attention's Q·Kᵀ as
/// <c>MatMulLayoutPass</c> writes it): differentiated with respect to r directly, as (Aᵀ·dY)ᵀ = dYᵀ·A, so the backward
/// neither reads the transposed copy nor transposes its gradient back. ONNX Runtime folds the forward swap and dYᵀ
/// into the products (FusedMatMul transB / transA); node by node, dR would be a strided transpose of a [B,H,D,S] product.
/// </summary>
static class TransposedOperandPattern
{
    public const string Name = "MatMulTransposed";

    /// <summary>Matches MatMul(A, Transpose(r)) or MatMul(Transpose(r), B) with the last two axes swapped and equal batch dims.</summary>
    public static PatternMatch? Match(OnnxGraph graph, NodeProto root, IReadOnlyDictionary<string, TensorType> types)
    {
        if (root.OpType != OpTypes.MatMul) return null;
        for (int side = 0; side < 2; side++)
        {
            if (graph.Producer(root.Input[side]) is not { OpType: OpTypes.Transpose } transpose
                || Attr.GetInts(transpose, "perm") is not { } perm || !Permutation.IsSwapOfLastTwo(perm)) continue;
            if (!SameBatchDims(types.GetValueOrDefault(root.Input[0]), types.GetValueOrDefault(root.Input[1]))) return null;
            var inputs = side == 0 ? new[] { transpose.Input[0], root.Input[1] } : [root.Input[0], transpose.Input[0]];
            var node = new NodeProto { OpType = Name, Name = root.Name, Input = { inputs }, Output = { root.Output[0] } };
            node.Attribute.Add(new AttributeProto { Name = "side", Type = AttributeProto.Types.AttributeType.Int, I = side });
            return new PatternMatch(Name, [transpose], node, Rule);
        }
        return null;
    }

    // Y = A·Rᵀ: dA = dY·R, dR = dYᵀ·A.   Y = Rᵀ·B: dR = B·dYᵀ, dB = R·dY.
    static void Rule(GradContext c)
    {
        var (g, rank) = (c.GO(0)!, c.Rank(c.I(0)));
        var gT = MatMulRules.SwapLastAxes(c, g, rank);
        string Read(int i) => MatMulRules.TransposedAgain(c, c.I(i), rank);
        if (c.Int("side", 1) == 1)
        {
            if (c.Needs(0)) c.GI(0, c.B.MatMul(g, Read(1)));
            if (c.Needs(1)) c.GI(1, c.B.MatMul(gT, Read(0)));
        }
        else
        {
            if (c.Needs(0)) c.GI(0, c.B.MatMul(Read(1), gT));
            if (c.Needs(1)) c.GI(1, c.B.MatMul(Read(0), g));
        }
    }

    /// <summary>Both operands of rank ≥ 2 with the same batch dims (statically equal, or the same symbol): nothing broadcasts.</summary>
    static bool SameBatchDims(TensorType? a, TensorType? b)
    {
        if (a?.Shape is not { Count: >= 2 } sa || b?.Shape is not { } sb || sa.Count != sb.Count) return false;
        return sa.Take(sa.Count - 2).Zip(sb).All(d => d.First.SameAs(d.Second));
    }
}
