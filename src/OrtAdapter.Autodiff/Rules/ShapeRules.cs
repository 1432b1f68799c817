using OrtAdapter.Onnx;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff;

/// <summary>Reshape, Transpose, Unsqueeze, Squeeze, Flatten, Concat, Split, Slice, Expand, Tile.</summary>
static class ShapeRules
{
    // Not yet in OpTypes; move it there when the Onnx project is next edited.
    internal const string Pad = "Pad";

    public static void Register(GradientRegistry r)
    {
        // Ops that keep every element and only relabel dims: dX = dY read back in X's (run-time) shape.
        foreach (var op in new[] { OpTypes.Reshape, OpTypes.Unsqueeze, OpTypes.Squeeze, OpTypes.Flatten })
            r.Add(op, c => c.GI(0, c.B.Reshape(c.GO(0)!, c.B.Shape(c.I(0)))));
        // Y = transpose(X, p): dX = transpose(dY, p⁻¹).
        r.Add(OpTypes.Transpose, c => c.GI(0, c.B.Transpose(c.GO(0)!, InversePerm(c))));
        // Y = expand(X, s) broadcasts X: dX = dY summed back to X's shape.
        r.Add(OpTypes.Expand, c => c.GI(0, c.ReduceToShapeOf(c.GO(0)!, c.I(0))));
        r.Add(OpTypes.Concat, Concat);
        r.Add(OpTypes.Split, Split);
        r.Add(OpTypes.Slice, Slice);
        r.Add(OpTypes.Tile, Tile);
    }

    static long[] InversePerm(GradContext c)
    {
        var rank = c.Rank(c.I(0));
        return Permutation.Inverse(c.Ints("perm") ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray());
    }

    /// <summary>Y = concat(X0, X1, ...): dXi = the slice of dY along the axis that Xi filled.</summary>
    static void Concat(GradContext c)
    {
        var g = c.GO(0)!;
        var rank = c.Rank(c.I(0));
        var axis = NormalizeAxis(c.Int("axis", 0), rank);
        var inputs = Enumerable.Range(0, c.InputCount).Select(c.I).ToArray();
        var sizes = inputs.Select(x => c.TypeOf(x)?.Shape?[(int)axis].Value).ToArray();
        var parts = sizes.All(s => s is not null)
            ? c.B.Split(g, axis, [.. sizes.Select(s => s!.Value)])
            : SplitAtRunTime(c, g, axis, inputs);
        for (int i = 0; i < parts.Length; i++) c.GI(i, parts[i]);
    }

    /// <summary>Splits <paramref name="g"/> along <paramref name="axis"/> into the run-time sizes of <paramref name="inputs"/> there.</summary>
    static string[] SplitAtRunTime(GradContext c, string g, long axis, string[] inputs)
    {
        var b = c.Tmp("sizes");
        var sizes = inputs.Select(x => b.Gather(b.Shape(x), b.Ints(axis))).ToArray();
        // Split takes its sizes as an input from opset 13; before, slice each part at run-time offsets.
        if (c.Opset >= 13) return [.. c.B.Node(OpTypes.Split, [g, b.Concat(0, sizes)], inputs.Length, Attr.Int("axis", axis)).Output];
        var parts = new string[inputs.Length];
        var start = b.Ints(0);
        for (int i = 0; i < inputs.Length; i++)
        {
            var end = b.Add(start, sizes[i]);
            parts[i] = c.B.Slice(g, start, end, c.B.Ints(axis));
            start = end;
        }
        return parts;
    }

    /// <summary>Y0, Y1, ... = split(X): dX = concat(dY0, dY1, ...), zeros for outputs no gradient reaches.</summary>
    static void Split(GradContext c)
    {
        var axis = NormalizeAxis(c.Int("axis", 0), c.Rank(c.I(0)));
        var parts = c.Node.Output.Select((o, i) => c.GO(i) ?? c.B.Expand(c.Scalar(0, c.I(0)), c.B.Shape(o))).ToArray();
        c.GI(0, c.B.Concat(axis, parts));
    }

    /// <summary>
    /// Y = X[starts:ends] (steps 1): dX = dY padded with zeros back to X's shape. The pads come from starts/ends
    /// clamped at run time as Slice does: negative values count from the end, then clamp to [0, dim].
    /// </summary>
    static void Slice(GradContext c)
    {
        if (c.Opset < 11 || c.InputCount < 3)
            throw new GradientException(
                $"Node '{c.Node.Name}' (Slice): the gradient needs Slice and Pad with inputs (opset 11), the graph has opset {c.Opset}.");
        if (c.I(4).Length > 0 && (ConstIndices(c, 4) is not { } steps || steps.Any(s => s != 1)))
            throw new GradientException(
                $"Node '{c.Node.Name}' (Slice, opset {c.Opset}): the gradient supports only constant steps of 1; this node has other or run-time steps.");
        var b = c.Tmp("pads");
        var x = c.I(0);
        var rank = c.Rank(x);
        var starts = AsInt64(c, b, c.I(1));
        var axes = c.I(3).Length == 0 ? b.Range(b.Int(0), b.Size(starts), b.Int(1))
            : ConstIndices(c, 3) is { } known ? b.Ints([.. known.Select(a => NormalizeAxis(a, rank))])
            : NonNegative(b, AsInt64(c, b, c.I(3)), b.Int(rank));
        var dims = b.Gather(b.Shape(x), axes);
        var begin = Clamp(b, starts, dims);
        var end = Clamp(b, AsInt64(c, b, c.I(2)), dims);
        end = b.Where(b.Less(end, begin), begin, end);
        // pads = [begin_0..begin_r-1, endpad_0..endpad_r-1], set at the sliced axes, 0 elsewhere.
        var pads = b.Op(OpTypes.ScatterElements,
            [b.Ints(new long[2 * rank]), b.Concat(0, axes, b.Add(axes, b.Int(rank))), b.Concat(0, begin, b.Sub(dims, end))],
            Attr.Int("axis", 0));
        c.GI(0, c.B.Op(Pad, [c.GO(0)!, pads]));
    }

    /// <summary>Slice's index arithmetic: v &lt; 0 counts from the end, then clamp to [0, dim] (no overflow for ±INT64_MAX).</summary>
    static string Clamp(OpBuilder b, string v, string dims)
    {
        var lowest = b.Neg(dims);
        var bounded = b.Where(b.Less(v, lowest), lowest, b.Where(b.Less(dims, v), dims, v));
        return NonNegative(b, bounded, dims);
    }

    /// <summary>Y = tile(X, r): view dY as [r0, d0, r1, d1, ...] and sum over the r axes.</summary>
    static void Tile(GradContext c)
    {
        var x = c.I(0);
        var rank = c.Rank(x);
        var b = c.Tmp("blocks");
        var repeats = AsInt64(c, b, c.I(1));
        var blocks = b.Reshape(b.Concat(1, b.Unsqueeze(repeats, 1), b.Unsqueeze(b.Shape(x), 1)), -1);
        var axes = Enumerable.Range(0, rank).Select(i => 2L * i).ToArray();
        c.GI(0, c.B.ReduceSum(c.B.Reshape(c.GO(0)!, blocks), axes, keepDims: false));
    }

    /// <summary>Where <paramref name="v"/> &lt; 0, <paramref name="v"/> + <paramref name="length"/>.</summary>
    internal static string NonNegative(OpBuilder b, string v, string length) =>
        b.Where(b.Less(v, b.Int(0)), b.Add(v, length), v);

    /// <summary>An integer value as int64 (index inputs may be int32).</summary>
    internal static string AsInt64(GradContext c, OpBuilder b, string v) =>
        c.TypeOf(v)?.ElemType == (int)DataType.Int64 ? v : b.Cast(v, (int)DataType.Int64);

    /// <summary>Values of a constant int64 or int32 input, or null.</summary>
    static long[]? ConstIndices(GradContext c, int input) => c.ConstInts(input)
        ?? (c.B.Graph.Initializer(c.I(input)) is { DataType: (int)DataType.Int32 } t ? [.. TensorData.ToInt32s(t).Select(v => (long)v)] : null);

    static long NormalizeAxis(long axis, int rank) => axis < 0 ? axis + rank : axis;
}
