using OrtAdapter.Build.Optimizer;

namespace OrtAdapter.Build.Tests.Optimizer;

/// <summary>One parameter's tensors for the reference optimizer (updated in place).</summary>
sealed class ParamState(string name, long[] shape, float[] value)
{
    public string Name { get; } = name;
    public long[] Shape { get; } = shape;
    public float[] Value { get; } = value;
    public float[] ExpAvg { get; } = new float[value.Length];
    public float[] ExpAvgSq { get; } = new float[value.Length];

    public ParamState Clone()
    {
        var c = new ParamState(Name, Shape, (float[])Value.Clone());
        ExpAvg.CopyTo(c.ExpAvg, 0);
        ExpAvgSq.CopyTo(c.ExpAvgSq, 0);
        return c;
    }
}

/// <summary>
/// torch.optim.AdamW (single-tensor path) after torch.nn.utils.clip_grad_norm_, written out in C# float with
/// torch's evaluation order: Python-float (double) step scalars, lerp for the first moment, addcmul/addcdiv.
/// </summary>
static class ReferenceAdamW
{
    /// <summary>One step; returns the global gradient norm before clipping.</summary>
    public static float Step(IReadOnlyList<ParamState> ps, IReadOnlyList<float[]> grads, float lr, long step, AdamWOptions o)
    {
        // clip_grad_norm_: norm of the per-tensor norms.
        double sumOfSquares = 0;
        foreach (var g in grads)
        {
            double s = 0;
            foreach (var x in g) s += (double)x * x;
            var n = (float)Math.Sqrt(s);
            sumOfSquares += (double)n * n;
        }
        var norm = (float)Math.Sqrt(sumOfSquares);
        var coef = o.MaxGradNorm is > 0 ? MathF.Min((float)o.MaxGradNorm.Value / (norm + 1e-6f), 1f) : 1f;

        double bc1 = 1 - Math.Pow(o.Beta1, step), bc2 = 1 - Math.Pow(o.Beta2, step);
        var negStepSize = (float)(-(lr / bc1));
        var bc2Sqrt = (float)Math.Sqrt(bc2);
        var decay = (float)(1 - lr * o.WeightDecay);
        float w = (float)(1 - o.Beta1), b2 = (float)o.Beta2, oneMinusB2 = (float)(1 - o.Beta2), eps = (float)o.Epsilon;

        for (int k = 0; k < ps.Count; k++)
        {
            var p = ps[k];
            bool decays = o.WeightDecay != 0 && o.NoDecay?.Invoke(p.Name) != true;
            for (int i = 0; i < p.Value.Length; i++)
            {
                var g = o.MaxGradNorm is > 0 ? grads[k][i] * coef : grads[k][i];
                if (decays) p.Value[i] *= decay;
                p.ExpAvg[i] = p.ExpAvg[i] + w * (g - p.ExpAvg[i]);
                p.ExpAvgSq[i] = p.ExpAvgSq[i] * b2 + oneMinusB2 * g * g;
                var denom = MathF.Sqrt(p.ExpAvgSq[i]) / bc2Sqrt + eps;
                p.Value[i] = p.Value[i] + negStepSize * p.ExpAvg[i] / denom;
            }
        }
        return norm;
    }

    /// <summary>The textbook update in double (m̂ = m/(1-β1^t), v̂ = v/(1-β2^t), p -= lr·(m̂/(√v̂+ε) + wd·p)).</summary>
    public static double[] TextbookParameter(float[] p, float[] mNew, float[] vNew, double lr, long t, AdamWOptions o, bool decays)
    {
        var result = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double mHat = mNew[i] / (1 - Math.Pow(o.Beta1, t)), vHat = vNew[i] / (1 - Math.Pow(o.Beta2, t));
            result[i] = p[i] - lr * (mHat / (Math.Sqrt(vHat) + o.Epsilon) + (decays ? o.WeightDecay * p[i] : 0));
        }
        return result;
    }
}
