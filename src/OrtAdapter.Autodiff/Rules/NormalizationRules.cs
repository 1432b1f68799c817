using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff;

/// <summary>Softmax, LogSoftmax, LayerNormalization.</summary>
static class NormalizationRules
{
    public static void Register(GradientRegistry r)
    {
        r.Add("Softmax", c =>
        {
            // y = softmax(x): dx = y * (dy - sum(dy * y)).
            var (b, y, dy) = (c.B, c.O(0), c.GO(0)!);
            c.GI(0, b.Mul(y, b.Sub(dy, b.ReduceSum(b.Mul(dy, y), SoftmaxAxes(c), keepDims: true))));
        });
        r.Add("LogSoftmax", c =>
        {
            // y = x - log(sum(exp(x))): dx = dy - exp(y) * sum(dy).
            var (b, dy) = (c.B, c.GO(0)!);
            c.GI(0, b.Sub(dy, b.Mul(b.Exp(c.O(0)), b.ReduceSum(dy, SoftmaxAxes(c), keepDims: true))));
        });
        r.Add("LayerNormalization", LayerNormalization);
    }

    /// <summary>
    /// Axes a (Log)Softmax normalizes over: the one axis (default -1) from opset 13; before, the input is
    /// flattened to 2-D at the axis (default 1), so every axis from it to the last.
    /// </summary>
    static long[] SoftmaxAxes(GradContext c)
    {
        if (c.Opset >= 13) return [c.Int("axis", -1)];
        return TrailingAxes(c.Int("axis", 1), c.Rank(c.I(0)));
    }

    static long[] TrailingAxes(long axis, int rank)
    {
        var first = axis < 0 ? axis + rank : axis;
        return Enumerable.Range((int)first, rank - (int)first).Select(a => (long)a).ToArray();
    }

    /// <summary>
    /// y = xhat * scale + bias, xhat = (x - mean) * invstd over the axes from `axis` on. Mean and invstd are
    /// recomputed here (the node's optional outputs are often absent). With g = dy * scale and means over the
    /// normalized axes: dx = invstd * (g - mean(g) - xhat * mean(g * xhat)); dscale = sum(dy * xhat),
    /// dbias = sum(dy) over the leading axes. Gradients reaching the Mean / InvStdDev outputs add
    /// dmean / n and -dinvstd * invstd^2 * xhat / n to dx. Computes in the input's type (stash_type is not honoured).
    /// </summary>
    static void LayerNormalization(GradContext c)
    {
        var (x, scale) = (c.I(0), c.I(1));
        var dy = c.GO(0);
        if (!c.Needs(0) && !c.Needs(1) && !(c.Needs(2) && dy is not null)) return;
        var b = c.B;
        var axes = TrailingAxes(c.Int("axis", -1), c.Rank(x));
        if (dy is not null && c.Needs(2)) c.GI(2, c.ReduceToShapeOf(dy, c.I(2)));
        if (!c.Needs(0) && !c.Needs(1)) return;

        var s = c.Tmp("stats");
        var mean = s.ReduceMean(x, axes);
        var centered = s.Sub(x, mean);
        var variance = s.ReduceMean(s.Mul(centered, centered), axes);
        var invStd = s.Reciprocal(s.Sqrt(s.Add(variance, c.Scalar(c.Float("epsilon", 1e-5f), x))));
        var xhat = s.Mul(centered, invStd);

        if (dy is not null && c.Needs(1)) c.GI(1, c.ReduceToShapeOf(b.Mul(dy, xhat), scale));
        if (!c.Needs(0)) return;
        var dx = new List<string>();
        if (dy is not null)
        {
            var g = b.Mul(dy, scale);
            var inner = b.Sub(b.Sub(g, b.ReduceMean(g, axes)), b.Mul(xhat, b.ReduceMean(b.Mul(g, xhat), axes)));
            dx.Add(b.Mul(invStd, inner));
        }
        if (StatsGrad(c, x, mean, invStd, xhat) is { } statsGrad) dx.Add(statsGrad);
        c.GI(0, b.Sum([.. dx]));
    }

    /// <summary>(dmean - dinvstd * invstd^2 * xhat) / n for gradients reaching outputs 1 and 2; null when none does.</summary>
    static string? StatsGrad(GradContext c, string x, string mean, string invStd, string xhat)
    {
        var (dMean, dInvStd) = (c.GO(1), c.GO(2));
        if (dMean is null && dInvStd is null) return null;
        var b = c.Tmp("stats_grad");
        var elem = c.ElemType(x);
        // The outputs may be stashed in another type than x's.
        var terms = new List<string>();
        if (dMean is not null) terms.Add(b.Cast(dMean, elem));
        if (dInvStd is not null) terms.Add(b.Neg(b.Mul(b.Cast(dInvStd, elem), b.Mul(b.Mul(invStd, invStd), xhat))));
        var n = b.Cast(b.Div(b.Size(x), b.Size(mean)), elem);
        return b.Expand(b.Div(b.Sum([.. terms]), n), b.Shape(x));
    }
}
