using OrtAdapter.Onnx;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff;

/// <summary>
/// Gather and GatherElements on data (indices get no gradient): dData = dY scatter-added back at the gathered
/// positions. From opset 16 with ScatterND / ScatterElements (reduction "add"); before, with a one-hot matrix of
/// the indices contracted against dY, which needs no scatter-add.
/// </summary>
static class IndexingRules
{
    public static void Register(GradientRegistry r)
    {
        r.Add(OpTypes.Gather, c =>
        {
            if (c.Needs(0)) c.GI(0, c.Opset >= 16 ? GatherByScatter(c) : GatherByOneHot(c));
        });
        r.Add(OpTypes.GatherElements, c =>
        {
            if (c.Needs(0)) c.GI(0, c.Opset >= 16 ? GatherElementsByScatter(c) : GatherElementsByOneHot(c));
        });
    }

    /// <summary>
    /// Y[pre, i, post] = X[pre, idx[i], post]: dX = ScatterND-add of dY into zeros. ScatterND indexes leading axes,
    /// so the gathered axis is moved to the front (of X) and the index axes to the front (of dY), then back.
    /// </summary>
    static string GatherByScatter(GradContext c)
    {
        var (data, g) = (c.I(0), c.GO(0)!);
        var (rank, q) = (c.Rank(data), c.Rank(c.I(1)));
        var axis = Axis(c, rank);
        var b = c.Tmp("scatter");
        var indices = b.Unsqueeze(Indices(c, b, axis), q);
        var zero = c.Scalar(0, data);
        if (axis == 0)
            return c.B.Op(OpTypes.ScatterND, [c.B.Expand(zero, c.B.Shape(data)), indices, g], Attr.String("reduction", "add"));
        // X as [D, pre, post]; dY as [idx..., pre, post].
        long[] dataPerm = [axis, .. Range(0, axis), .. Range(axis + 1, rank - axis - 1)];
        long[] gradPerm = [.. Range(axis, q), .. Range(0, axis), .. Range(axis + q, rank - axis - 1)];
        var zeros = b.Expand(zero, b.Gather(b.Shape(data), b.Ints(dataPerm)));
        var moved = b.Op(OpTypes.ScatterND, [zeros, indices, Permute(b, g, gradPerm)], Attr.String("reduction", "add"));
        return c.B.Transpose(moved, Permutation.Inverse(dataPerm));
    }

    /// <summary>
    /// Opset &lt; 16: dX[pre, d, post] = Σ_i onehot(idx)[d, i]·dY[pre, i, post], i.e. one MatMul of the [D, N]
    /// one-hot matrix with dY viewed as [pre..., N, Q] (N = index count, Q = post size).
    /// </summary>
    static string GatherByOneHot(GradContext c)
    {
        var (data, g) = (c.I(0), c.GO(0)!);
        var axis = Axis(c, c.Rank(data));
        var b = c.Tmp("onehot");
        var indices = Indices(c, b, axis);
        // OneHot wants indices of rank ≥ 1: a scalar index becomes [1].
        if (c.Rank(c.I(1)) == 0) indices = b.Unsqueeze(indices, 0);
        var oneHot = MatMulRules.Flatten(b, OneHot(c, b, indices, Length(b, data, axis), axis: 0), 1);
        // Reshape's 0 keeps dY's leading dims (X's dims before the axis); then N, then the rest.
        var view = b.Concat(0, [.. Enumerable.Repeat(b.Ints(0), (int)axis), b.Unsqueeze(b.Size(c.I(1)), 0), b.Ints(-1)]);
        var full = c.B.MatMul(oneHot, c.B.Reshape(g, view));
        return c.B.Reshape(full, c.B.Shape(data));
    }

    /// <summary>Y[..j..] = X[..idx[..j..]..] along the axis: dX = ScatterElements-add of dY into zeros.</summary>
    static string GatherElementsByScatter(GradContext c)
    {
        var data = c.I(0);
        var axis = Axis(c, c.Rank(data));
        var b = c.Tmp("scatter");
        var zeros = b.Expand(c.Scalar(0, data), b.Shape(data));
        return c.B.Op(OpTypes.ScatterElements, [zeros, Indices(c, b, axis), c.GO(0)!], Attr.Int("axis", axis), Attr.String("reduction", "add"));
    }

    /// <summary>
    /// Opset &lt; 16: dX[.., d, ..] = Σ_j [idx[.., j, ..] = d]·dY[.., j, ..]: one-hot along a new axis after the
    /// gathered one, times dY, summed over the index axis; zero-padded where indices are smaller than X.
    /// </summary>
    static string GatherElementsByOneHot(GradContext c)
    {
        var (data, g) = (c.I(0), c.GO(0)!);
        var rank = c.Rank(data);
        var axis = Axis(c, rank);
        var b = c.Tmp("onehot");
        var oneHot = OneHot(c, b, Indices(c, b, axis), Length(b, data, axis), axis + 1);
        var summed = c.B.ReduceSum(c.B.Mul(oneHot, c.B.Unsqueeze(g, axis + 1)), [axis], keepDims: false);
        if (SameDimsBesides(c, data, c.I(1), axis)) return summed;
        var pads = b.Concat(0, b.Ints(new long[rank]), b.Sub(b.Shape(data), b.Shape(summed)));
        return c.B.Op(ShapeRules.Pad, [summed, pads]);
    }

    /// <summary>The indices as int64 with negative values counted from the end of the axis (skipped for constant non-negative indices).</summary>
    static string Indices(GradContext c, OpBuilder b, long axis)
    {
        if (c.ConstInts(1) is { } known && known.All(i => i >= 0)) return c.I(1);
        return ShapeRules.NonNegative(b, ShapeRules.AsInt64(c, b, c.I(1)), Length(b, c.I(0), axis));
    }

    /// <summary>One-hot rows of the indices in X's element type (ORT's OneHot writes float, not double, so cast).</summary>
    static string OneHot(GradContext c, OpBuilder b, string indices, string depth, long axis)
    {
        var values = b.Constant(TensorData.FromFloats("", [0f, 1f], 2));
        var oneHot = b.Op(OpTypes.OneHot, [indices, depth, values], Attr.Int("axis", axis));
        var elem = c.ElemType(c.I(0));
        return elem == (int)DataType.Float ? oneHot : b.Cast(oneHot, elem);
    }

    /// <summary>Length of <paramref name="x"/> along <paramref name="axis"/>, an int64 scalar at run time.</summary>
    static string Length(OpBuilder b, string x, long axis) => b.Gather(b.Shape(x), b.Int(axis));

    /// <summary>Transpose, skipped for the identity permutation (a scalar index leaves dY's axes in place).</summary>
    static string Permute(OpBuilder b, string x, long[] perm) =>
        perm.Select((p, i) => p == i).All(same => same) ? x : b.Transpose(x, perm);

    static bool SameDimsBesides(GradContext c, string x, string y, long axis)
    {
        if (c.TypeOf(x)?.Shape is not { } sx || c.TypeOf(y)?.Shape is not { } sy || sx.Count != sy.Count) return false;
        return sx.Select((d, i) => i == axis || (d.Value is { } v && sy[i].Value == v) || (d.Param is { } p && sy[i].Param == p)).All(s => s);
    }

    static long Axis(GradContext c, int rank) => c.Int("axis", 0) is var a && a < 0 ? a + rank : a;

    static long[] Range(long start, long count) => [.. Enumerable.Range((int)start, (int)count).Select(i => (long)i)];
}
