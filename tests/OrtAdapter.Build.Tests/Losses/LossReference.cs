namespace OrtAdapter.Build.Tests.Losses;

/// <summary>Straightforward double-precision references of every loss term, written from their definitions.</summary>
static class LossReference
{
    static double[] Row(double[] x, int i, int width) => x.AsSpan(i * width, width).ToArray();

    static double[] LogSoftmax(double[] row)
    {
        var max = row.Max();
        var lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
        return [.. row.Select(v => v - lse)];
    }

    static double Dot(double[] a, double[] b) => a.Zip(b).Sum(p => p.First * p.Second);

    static double[] Normalize(double[] v)
    {
        var n = Math.Max(Math.Sqrt(Dot(v, v)), 1e-12);
        return [.. v.Select(x => x / n)];
    }

    public static double CrossEntropy(double[] logits, long[] labels, int c, double smoothing = 0, double[]? weights = null)
    {
        double num = 0, den = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var logp = LogSoftmax(Row(logits, i, c));
            var y = (int)labels[i];
            var w = weights ?? [.. Enumerable.Repeat(1.0, c)];
            // PyTorch: (1 - e) * w_y * nll + e / C * sum_c w_c * (-log p_c), over sum_i w_(y_i).
            num += (1 - smoothing) * w[y] * -logp[y];
            for (int k = 0; k < c; k++) num += smoothing / c * w[k] * -logp[k];
            den += w[y];
        }
        return num / den;
    }

    public static double Focal(double[] logits, long[] labels, int c, double gamma, double alpha)
    {
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var logpt = LogSoftmax(Row(logits, i, c))[labels[i]];
            sum += -alpha * Math.Pow(1 - Math.Exp(logpt), gamma) * logpt;
        }
        return sum / labels.Length;
    }

    public static double Bce(double[] logits, double[] targets)
    {
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            var p = 1 / (1 + Math.Exp(-logits[i]));
            sum += -(targets[i] * Math.Log(p) + (1 - targets[i]) * Math.Log(1 - p));
        }
        return sum / logits.Length;
    }

    public static double Mse(double[] predictions, double[] targets) =>
        predictions.Zip(targets).Sum(p => (p.First - p.Second) * (p.First - p.Second)) / predictions.Length;

    public static double Distillation(double[] student, double[] teacher, int batch, int c, double t)
    {
        double sum = 0;
        for (int i = 0; i < batch; i++)
        {
            var logPt = LogSoftmax([.. Row(teacher, i, c).Select(v => v / t)]);
            var logPs = LogSoftmax([.. Row(student, i, c).Select(v => v / t)]);
            for (int k = 0; k < c; k++) sum += Math.Exp(logPt[k]) * (logPt[k] - logPs[k]);
        }
        return sum / batch * t * t;
    }

    public static double Cosine(double[] pooled, double[] target, int batch, int h)
    {
        double sum = 0;
        for (int i = 0; i < batch; i++) sum += 1 - Dot(Normalize(Row(pooled, i, h)), Normalize(Row(target, i, h)));
        return sum / batch;
    }

    public static double InfoNce(double[] z1, double[] z2, int batch, int h, double t)
    {
        double sum = 0;
        for (int i = 0; i < batch; i++)
        {
            var a = Normalize(Row(z1, i, h));
            var sims = Enumerable.Range(0, batch).Select(j => Dot(a, Normalize(Row(z2, j, h))) / t).ToArray();
            sum += -LogSoftmax(sims)[i];
        }
        return sum / batch;
    }

    public static double SupCon(double[] pooled, long[] labels, int h, double t)
    {
        int n = labels.Length;
        var z = Enumerable.Range(0, n).Select(i => Normalize(Row(pooled, i, h))).ToArray();
        double total = 0;
        int anchors = 0;
        for (int i = 0; i < n; i++)
        {
            var positives = Enumerable.Range(0, n).Where(p => p != i && labels[p] == labels[i]).ToList();
            if (positives.Count == 0) continue;
            var denominator = Enumerable.Range(0, n).Where(a => a != i).Sum(a => Math.Exp(Dot(z[i], z[a]) / t));
            total += -positives.Average(p => Math.Log(Math.Exp(Dot(z[i], z[p]) / t) / denominator));
            anchors++;
        }
        return anchors == 0 ? 0 : total / anchors;
    }
}
