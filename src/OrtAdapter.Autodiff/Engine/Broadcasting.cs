using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff;

/// <summary>The one place that undoes broadcasting: sum over the broadcast axes, then reshape to the input's shape.</summary>
static class Broadcasting
{
    public static string ReduceToShapeOf(GradContext c, string grad, string input, TensorType? gradType)
    {
        var g = gradType?.Shape;
        var x = c.TypeOf(input)?.Shape;
        if (g is not null && x is not null && StaticAxes(g, x) is { } axes)
        {
            if (axes.Length == 0) return g.Count == x.Count ? grad : c.B.Reshape(grad, c.B.Shape(input));
            var summed = c.B.ReduceSum(grad, axes, keepDims: true);
            return c.B.Reshape(summed, c.B.Shape(input));
        }
        return Dynamic(c, grad, input, g?.Count, x?.Count);
    }

    /// <summary>Axes of g that x was broadcast along, when the shapes decide it; null when only run time can tell.</summary>
    static long[]? StaticAxes(IReadOnlyList<Dim> g, IReadOnlyList<Dim> x)
    {
        if (x.Count > g.Count) return null;
        var offset = g.Count - x.Count;
        var axes = new List<long>();
        for (int i = 0; i < g.Count; i++)
        {
            if (i < offset) { axes.Add(i); continue; }
            var (dg, dx) = (g[i], x[i - offset]);
            if (SameDim(dg, dx)) continue;
            if (dx.Value == 1 && dg.Value is not null) { axes.Add(i); continue; }
            return null;
        }
        return [.. axes];
    }

    static bool SameDim(Dim a, Dim b) => (a.Value is { } va && b.Value == va) || (a.Param is { } pa && b.Param == pa);

    static string Dynamic(GradContext c, string grad, string input, int? gradRank, int? inputRank)
    {
        if (gradRank is null || inputRank is null)
            throw new GradientException($"Node '{c.Node.Name}' ({c.Node.OpType}): ranks of '{grad}' and '{input}' are needed to undo broadcasting; add value_info.");
        var b = c.Tmp("unbroadcast");
        var inputShape = b.Shape(input);
        var padded = gradRank > inputRank
            ? b.Concat(0, b.Ints(Enumerable.Repeat(1L, gradRank.Value - inputRank.Value).ToArray()), inputShape)
            : inputShape;
        var differs = b.Not(b.Equal(padded, b.Shape(grad)));
        var axes = b.Reshape(b.NonZero(differs), b.Ints(-1));
        var summed = b.ReduceSumDynamic(grad, axes, keepDims: true);
        return b.Reshape(summed, inputShape);
    }
}
