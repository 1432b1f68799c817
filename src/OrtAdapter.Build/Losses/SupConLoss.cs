using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Supervised contrastive loss (Khosla et al., "L_out") on L2-normalised pooled embeddings with int64 labels:
/// for each anchor i, -mean over positives p (same label, p ≠ i) of log(exp(z_i·z_p/T) / sum_(a≠i) exp(z_i·z_a/T)),
/// averaged over the anchors that have a positive; 0 when none has. No T / base_T factor (the paper's code has one).
/// </summary>
public sealed class SupConLoss : LossTerm
{
    /// <summary>Stands in for -inf on the diagonal: exp of it is 0, and 0 · it stays finite (0 · -inf would be NaN).</summary>
    const double MaskedLogit = -1e9;

    /// <param name="temperature">T &gt; 0. Default 0.1 (the default recipe).</param>
    public SupConLoss(double temperature = 0.1) => Temperature = Positive(temperature, "supcon", "temperature");

    public double Temperature { get; }

    public override string Name => "supcon";
    public override LossNeeds Needs => LossNeeds.Pooled | LossNeeds.Labels;
    public override bool Supports(TaskKind task) => task == TaskKind.SingleLabel;

    public override string Emit(LossContext c)
    {
        var b = c.B;
        var labels = c.Require(c.Labels, "labels", this);
        var eye = LossMath.EyeMask(c, c.Pooled);
        var sim = LossMath.ScaledSimilarity(c, c.Pooled, c.Pooled, Temperature);
        var logProb = b.LogSoftmax(b.Where(eye, c.Scalar(MaskedLogit), sim), 1);

        var sameLabel = b.Equal(b.Unsqueeze(labels, 1), b.Unsqueeze(labels, 0));
        var positives = LossMath.ToElem(c, b.And(sameLabel, b.Not(eye)));
        var positiveCount = LossMath.RowSum(c, positives);
        var one = c.Scalar(1);
        var meanLogProbPos = b.Div(LossMath.RowSum(c, b.Mul(positives, logProb)), b.Max(positiveCount, one));
        var hasPositive = LossMath.ToElem(c, b.Greater(positiveCount, c.Scalar(0)));
        var anchors = b.Max(b.ReduceSum(hasPositive, [], keepDims: false), one);
        // Anchors without positives contribute 0 to the sum (their row of positives is all zero) and are not counted.
        return b.Neg(b.Div(b.ReduceSum(meanLogProbPos, [], keepDims: false), anchors));
    }

    protected override IEnumerable<(string Key, string Value)> SpecParameters
    {
        get { if (Temperature != 0.1) yield return ("temperature", Format(Temperature)); }
    }
}
