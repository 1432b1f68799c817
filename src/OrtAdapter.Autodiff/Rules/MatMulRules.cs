using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff;

/// <summary>MatMul (numpy semantics: batched, broadcasting batch dims, 1-D operands promoted) and Gemm.</summary>
static class MatMulRules
{
    public static void Register(GradientRegistry r)
    {
        // Y = A·B: dA = dY·Bᵀ, dB = Aᵀ·dY, each summed over the batch dims its operand was broadcast along.
        r.Add(OpTypes.MatMul, c =>
        {
            var (ra, rb) = (c.Rank(c.I(0)), c.Rank(c.I(1)));
            if (ra == 1 || rb == 1) { VectorOperand(c, ra, rb); return; }
            if (c.Needs(0)) c.GI(0, GradA(c, ra, rb));
            if (c.Needs(1)) c.GI(1, GradB(c, ra, rb));
        });
        r.Add(OpTypes.Gemm, Gemm);
    }

    /// <summary>dA = dY·Bᵀ for ranks ≥ 2.</summary>
    static string GradA(GradContext c, int ra, int rb)
    {
        var (b, g) = (c.I(1), c.GO(0)!);
        if (ra == 2 && rb == 2) return c.B.Gemm(g, b, transB: true);
        // A 2-D B broadcasts over A's batch dims, so dY·Bᵀ already has A's shape.
        if (rb == 2) return c.B.MatMul(g, c.B.Transpose(b, 1, 0));
        return Unbroadcast(c, c.B.MatMul(g, SwapLastAxes(c, b, rb)), 0, Math.Max(ra, rb));
    }

    /// <summary>dB = Aᵀ·dY for ranks ≥ 2.</summary>
    static string GradB(GradContext c, int ra, int rb)
    {
        var (a, g) = (c.I(0), c.GO(0)!);
        if (ra == 2 && rb == 2) return c.B.Gemm(a, g, transA: true);
        // A 2-D weight (Linear with a pre-transposed weight): fold the batch dims into the contraction,
        // [P,K]ᵀ·[P,N] in one Gemm, instead of a batched MatMul followed by a ReduceSum.
        if (rb == 2) return c.B.Gemm(Flatten(c.B, a, ra - 1), Flatten(c.B, g, ra - 1), transA: true);
        return Unbroadcast(c, c.B.MatMul(SwapLastAxes(c, a, ra), g), 1, Math.Max(ra, rb));
    }

    /// <summary>
    /// 1-D operands are promoted (A:[K] to a row [1,K], B:[K] to a column [K,1]) and the added axis is dropped
    /// from Y; the gradients below undo exactly that.
    /// </summary>
    static void VectorOperand(GradContext c, int ra, int rb)
    {
        var (a, b, g) = (c.I(0), c.I(1), c.GO(0)!);
        if (ra == 1 && rb == 1)
        {
            // y = a·b (a scalar): dA = dy·b, dB = dy·a.
            if (c.Needs(0)) c.GI(0, c.B.Mul(g, b));
            if (c.Needs(1)) c.GI(1, c.B.Mul(g, a));
            return;
        }
        if (ra == 1)
        {
            // A:[K], B:[...,K,N], Y:[...,N]: dA[k] = Σ_{...,n} dY[...,n]·B[...,k,n]; dB[...] = a ⊗ dY[...].
            long[] summed = [.. Enumerable.Range(0, rb - 2).Select(i => (long)i), rb - 1];
            if (c.Needs(0))
                c.GI(0, rb == 2 ? c.B.MatMul(b, g) : c.B.ReduceSum(c.B.MatMul(b, c.B.Unsqueeze(g, rb - 1)), summed, keepDims: false));
            if (c.Needs(1)) c.GI(1, c.B.MatMul(c.B.Unsqueeze(a, 1), c.B.Unsqueeze(g, rb - 2)));
            return;
        }
        // A:[...,M,K], B:[K], Y:[...,M]: dA[...] = dY[...] ⊗ b; dB[k] = Σ_{...,m} dY[...,m]·A[...,m,k] (one [P]·[P,K]).
        if (c.Needs(0)) c.GI(0, c.B.MatMul(c.B.Unsqueeze(g, ra - 1), c.B.Unsqueeze(b, 0)));
        if (c.Needs(1)) c.GI(1, c.B.MatMul(c.B.Reshape(g, -1), Flatten(c.B, a, ra - 1)));
    }

    static void Gemm(GradContext c)
    {
        var (a, b, g) = (c.I(0), c.I(1), c.GO(0)!);
        var (tA, tB) = (c.Int("transA", 0) != 0, c.Int("transB", 0) != 0);
        var alpha = c.Float("alpha", 1f);
        // Y = α·op(A)·op(B) + β·C: d op(A) = α·dY·op(B)ᵀ, d op(B) = α·op(A)ᵀ·dY, transposed back where op transposes;
        // each case is one Gemm with the right trans flags.
        if (c.Needs(0)) c.GI(0, tA ? c.B.Gemm(b, g, transA: tB, transB: true, alpha: alpha) : c.B.Gemm(g, b, transB: !tB, alpha: alpha));
        if (c.Needs(1)) c.GI(1, tB ? c.B.Gemm(g, a, transA: true, transB: tA, alpha: alpha) : c.B.Gemm(a, g, transA: !tA, alpha: alpha));
        if (!c.Needs(2)) return;
        // dC = β·dY summed back to C's (unidirectionally broadcast) shape.
        var beta = c.Float("beta", 1f);
        var dc = c.ReduceToShapeOf(g, c.I(2));
        c.GI(2, beta == 1f ? dc : c.B.Mul(dc, c.Scalar(beta, c.I(2))));
    }

    /// <summary>
    /// Sums a full gradient of operand <paramref name="i"/> (batch dims of Y, matrix dims of the operand) over the
    /// batch dims the operand was broadcast along. Skipped when the static shapes show there are none.
    /// </summary>
    static string Unbroadcast(GradContext c, string grad, int i, int rankY)
    {
        if (KeepsBatchDims(c, c.I(i), c.I(1 - i))) return grad;
        // A plain matrix was broadcast along every batch dim of Y: sum them all.
        if (c.Rank(c.I(i)) == 2) return c.B.ReduceSum(grad, [.. Enumerable.Range(0, rankY - 2).Select(k => (long)k)], keepDims: false);
        // Y is a safe static shape for the gradient: same rank and batch dims; of the two matrix dims one is
        // shared, and the other either matches, is 1 (a no-op sum), or sends the helper to its run-time path.
        return c.ReduceToShapeOf(grad, c.I(i), c.O(0));
    }

    /// <summary>True when the static shapes show that <paramref name="input"/>'s batch dims are Y's (nothing to sum).</summary>
    static bool KeepsBatchDims(GradContext c, string input, string other)
    {
        if (c.TypeOf(input)?.Shape is not { } s || c.TypeOf(other)?.Shape is not { } o) return false;
        var (bs, bo) = (s.Count - 2, o.Count - 2);
        if (bs < bo) return false;
        for (int k = 1; k <= bo; k++)
        {
            var (ds, d) = (s[bs - k], o[bo - k]);
            if (!ds.SameAs(d) && d.Value != 1) return false;
        }
        return true;
    }

    /// <summary>
    /// Transposes the last two axes of a value of rank <paramref name="rank"/> (an operand of the gradient's MatMul).
    /// ONNX Runtime folds such a swap into the MatMul (FusedMatMul transA/transB, no copy), unless the value is itself
    /// a Transpose's output: then it first merges the two Transposes into one strided copy (attention's Qᵀ and Vᵀ: [B,S,H,D]
    /// -> [B,H,D,S], 1.6 ms each in a default MiniLM step against 0.1 ms for the head split). Such a value is read
    /// through <see cref="TransposedAgain"/>, whose last Reshape stops the merge. Where the two Transposes make a block
    /// move (the last axis stays last) or nothing, that is emitted instead, from the first one's input.
    /// </summary>
    internal static string SwapLastAxes(GradContext c, string x, int rank)
    {
        var swap = Permutation.SwapLastTwo(rank);
        if (rank > 2 && c.B.Graph.Producer(x) is { OpType: OpTypes.Transpose } transpose && Attr.GetInts(transpose, "perm") is { } first)
        {
            var both = Permutation.Compose(first, swap);
            if (both[^1] == rank - 1) return Permutation.IsIdentity(both) ? transpose.Input[0] : c.B.Transpose(transpose.Input[0], both);
        }
        return c.B.Transpose(TransposedAgain(c, x, rank), swap);
    }

    /// <summary>
    /// A forward value as the backward reads it: when it is a Transpose's output (rank ≥ 3), the same Transpose again of
    /// the Transpose's input, each side behind a shape-keeping Reshape (free: it aliases). The backward then holds the
    /// input (attention's projection, [B,S,H,D]) from the forward pass instead of the transposed copy: W1's training
    /// arena 1,191-1,209 -> 1,125-1,141 MB, though the two are the same size, for a block copy of ~0.1 ms a layer. The
    /// first Reshape keeps ONNX Runtime's CSE from reusing the forward's copy; the second keeps its transpose optimizer
    /// from merging the copy with a swap that follows into a strided copy that cannot fold into the MatMul.
    /// </summary>
    internal static string TransposedAgain(GradContext c, string x, int rank)
    {
        if (rank < 3 || c.B.Graph.Producer(x) is not { OpType: OpTypes.Transpose } transpose || Attr.GetInts(transpose, "perm") is not { } perm) return x;
        var again = c.B.Transpose(c.B.Reshape(transpose.Input[0], new long[rank]), perm);
        return c.B.Reshape(again, new long[rank]);
    }

    /// <summary>Flatten to 2-D: [d0·…·d(axis-1), d(axis)·…].</summary>
    internal static string Flatten(OpBuilder b, string x, long axis) => b.Op(OpTypes.Flatten, [x], Attr.Int("axis", axis));
}
