namespace OrtAdapter.Autodiff;

/// <summary>ReduceSum, ReduceMean, ReduceMax: spread the incoming gradient back over the reduced axes.</summary>
static class ReductionRules
{
    public static void Register(GradientRegistry r)
    {
        r.Add("ReduceSum", c => c.GI(0, SpreadBack(c, c.GO(0)!)));
    }

    /// <summary>Axes of a Reduce* node (attribute before opset 13/18, input after), normalized; empty = all axes.</summary>
    internal static long[] Axes(GradContext c)
    {
        var axes = c.Ints("axes") ?? (c.InputCount > 1 && c.I(1).Length > 0
            ? c.ConstInts(1) ?? throw new GradientException($"Node '{c.Node.Name}' ({c.Node.OpType}): axes computed at run time are not supported.")
            : []);
        if (axes.Length == 0) return [];
        var rank = c.Rank(c.I(0));
        return axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
    }

    /// <summary>Reshapes a gradient of the reduced output so it broadcasts against the input, then expands it.</summary>
    internal static string SpreadBack(GradContext c, string grad)
    {
        var axes = Axes(c);
        var keepDims = c.Int("keepdims", 1) != 0;
        if (axes.Length == 0 && c.Int("noop_with_empty_axes", 0) != 0) return grad;
        var shaped = keepDims || axes.Length == 0 ? grad : c.B.Unsqueeze(grad, axes);
        return c.B.Expand(shaped, c.B.Shape(c.I(0)));
    }
}
