using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff;

/// <summary>ReduceSum, ReduceMean, ReduceMax: spread the incoming gradient back over the reduced axes.</summary>
static class ReductionRules
{
    public static void Register(GradientRegistry r)
    {
        // y = sum_axes x: every x in a group gets dy.
        r.Add("ReduceSum", c => c.GI(0, SpreadBack(c, c.GO(0)!)));
        // y = sum_axes x / n: every x in a group gets dy / n.
        r.Add("ReduceMean", c => c.GI(0, SpreadBack(c, IsNoop(c) ? c.GO(0)! : c.B.Div(c.GO(0)!, ReducedCount(c)))));
        // y = max_axes x: dy goes to the maximal entries; ties share it evenly (the subgradient torch.amax picks).
        r.Add("ReduceMax", c =>
        {
            if (IsNoop(c)) { c.GI(0, c.GO(0)!); return; }
            var b = c.B;
            var isMax = b.Cast(b.Equal(c.I(0), KeepDims(c, c.O(0))), c.ElemType(c.I(0)));
            var share = b.Div(KeepDims(c, c.GO(0)!), SumKeepDims(c, isMax));
            c.GI(0, b.Mul(isMax, share));
        });
    }

    /// <summary>Axes of a Reduce* node (attribute before opset 13/18, input after), normalized; empty = all axes.</summary>
    internal static long[] Axes(GradContext c) =>
        ConstAxes(c) ?? throw new GradientException($"Node '{c.Node.Name}' ({c.Node.OpType}): axes computed at run time are not supported here.");

    /// <summary>Reshapes a gradient of the reduced output so it broadcasts against the input, then expands it.</summary>
    internal static string SpreadBack(GradContext c, string grad) =>
        IsNoop(c) ? grad : c.B.Expand(KeepDims(c, grad), c.B.Shape(c.I(0)));

    /// <summary>Normalized, sorted axes when known before run time (attribute or constant input); empty = all; null = run-time axes.</summary>
    static long[]? ConstAxes(GradContext c)
    {
        var axes = c.Ints("axes") ?? (HasAxesInput(c) ? c.ConstInts(1) : []);
        if (axes is null || axes.Length == 0) return axes;
        var rank = c.Rank(c.I(0));
        return axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
    }

    static bool HasAxesInput(GradContext c) => c.InputCount > 1 && c.I(1).Length > 0;

    /// <summary>True when the node is statically an identity: empty axes with noop_with_empty_axes = 1.</summary>
    static bool IsNoop(GradContext c) => c.Int("noop_with_empty_axes", 0) != 0 && ConstAxes(c) is [];

    /// <summary>
    /// A value shaped like the reduced output, given the reduced axes back as size-1 dims so it broadcasts
    /// against the input (a scalar already does when all axes were reduced). Run-time axes go straight to
    /// Unsqueeze, whose negative axes count against the input's rank too.
    /// </summary>
    static string KeepDims(GradContext c, string reduced)
    {
        if (c.Int("keepdims", 1) != 0) return reduced;
        return ConstAxes(c) switch
        {
            null => c.B.Op(OpTypes.Unsqueeze, [reduced, c.I(1)]),
            [] => reduced,
            var axes => c.B.Unsqueeze(reduced, axes),
        };
    }

    /// <summary>Sum over the node's reduced axes, keeping dims (the node's noop_with_empty_axes for run-time axes).</summary>
    static string SumKeepDims(GradContext c, string x) => ConstAxes(c) switch
    {
        null => c.B.Op(OpTypes.ReduceSum, [x, c.I(1)], Attr.Int("keepdims", 1), Attr.Int("noop_with_empty_axes", c.Int("noop_with_empty_axes", 0))),
        var axes => c.B.ReduceSum(x, axes, keepDims: true),
    };

    /// <summary>How many inputs make one output of a reduction: a constant when the dims are static, else Size(x) / Size(y).</summary>
    static string ReducedCount(GradContext c)
    {
        var x = c.I(0);
        if (c.TypeOf(x)?.Shape is { } shape && ConstAxes(c) is { } axes)
        {
            var dims = axes.Length == 0 ? shape : axes.Select(a => shape[(int)a]).ToList();
            if (dims.All(d => d.Value is not null)) return c.Scalar(dims.Aggregate(1L, (p, d) => p * d.Value!.Value), x);
        }
        var b = c.Tmp("count");
        return b.Cast(b.Div(b.Size(x), b.Size(c.O(0))), c.ElemType(x));
    }
}
