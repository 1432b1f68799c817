using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Losses;

/// <summary>Building blocks shared by the loss terms; every op used here has a gradient rule or needs none.</summary>
static class LossMath
{
    /// <summary>F.normalize's eps: a zero vector stays zero instead of dividing by zero.</summary>
    const double NormEps = 1e-12;

    /// <summary>
    /// int64 labels [batch] as a [batch, C] one-hot of the loss's type. Equal against the class ids rather than
    /// OneHot: ORT's CPU OneHot has no double output, and a label outside [0, C) gives a zero row, never a crash
    /// (<see cref="LossInputs.Validate(ReadOnlySpan{long}, long, long)"/> reports it before feeding).
    /// </summary>
    public static string OneHot(LossContext c, string labels)
    {
        var classes = c.B.Ints([.. Enumerable.Range(0, checked((int)c.NumClasses)).Select(i => (long)i)]);
        return c.B.Cast(c.B.Equal(c.B.Unsqueeze(labels, 1), classes), c.ElemType);
    }

    /// <summary>x / max(||x||, eps) over the last axis of [batch, H].</summary>
    public static string L2Normalize(LossContext c, string x)
    {
        var norm = c.B.Sqrt(c.B.ReduceSum(c.B.Mul(x, x), [1], keepDims: true));
        return c.B.Div(x, c.B.Clip(norm, c.Scalar(NormEps), ""));
    }

    /// <summary>Bool identity [batch, batch] from the run-time batch size of <paramref name="rowsOf"/>.</summary>
    public static string EyeMask(LossContext c, string rowsOf)
    {
        var b = c.B;
        var n = b.Gather(b.Shape(rowsOf), b.Int(0));
        var ids = b.Range(b.Int(0), n, b.Int(1));
        return b.Equal(b.Unsqueeze(ids, 1), b.Unsqueeze(ids, 0));
    }

    /// <summary>Cosine similarities / temperature of every row of a with every row of b (rows L2-normalised).</summary>
    public static string ScaledSimilarity(LossContext c, string a, string bRows, double temperature)
    {
        var za = L2Normalize(c, a);
        var zb = a == bRows ? za : L2Normalize(c, bRows);
        return c.B.Div(c.B.MatMul(za, c.B.Transpose(zb, 1, 0)), c.Scalar(temperature));
    }

    /// <summary>Sum over axis 1 of [batch, C], giving [batch].</summary>
    public static string RowSum(LossContext c, string x) => c.B.ReduceSum(x, [1], keepDims: false);

    /// <summary>Mean over all elements: a scalar.</summary>
    public static string Mean(LossContext c, string x) => c.B.ReduceMean(x, [], keepDims: false);

    public static string ToElem(LossContext c, string boolValue) => c.B.Cast(boolValue, c.ElemType);
}
