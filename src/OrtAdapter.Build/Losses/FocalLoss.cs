using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Multi-class focal loss (Lin et al.) on the softmax: mean_i -alpha (1 - p_(i,y_i))^gamma log p_(i,y_i).
/// alpha is one scalar for every class (a plain scale); gamma = 0 and alpha = 1 give cross-entropy.
/// </summary>
public sealed class FocalLoss : LossTerm
{
    /// <param name="gamma">Focusing exponent, ≥ 0. Default 2.</param>
    /// <param name="alpha">Positive scale. Default 1.</param>
    public FocalLoss(double gamma = 2, double alpha = 1)
    {
        if (!(double.IsFinite(gamma) && gamma >= 0)) throw new LossException($"Loss 'focal': gamma must be a finite number ≥ 0, got {Format(gamma)}.");
        Gamma = gamma;
        Alpha = Positive(alpha, "focal", "alpha");
    }

    public double Gamma { get; }
    public double Alpha { get; }

    public override string Name => "focal";
    public override LossNeeds Needs => LossNeeds.Logits | LossNeeds.Labels;
    public override bool Supports(TaskKind task) => task == TaskKind.SingleLabel;

    public override string Emit(LossContext c)
    {
        var b = c.B;
        var oneHot = LossMath.OneHot(c, c.Require(c.Labels, "labels", this));
        var logPt = LossMath.RowSum(c, b.Mul(oneHot, b.LogSoftmax(c.Logits, 1)));
        // gamma = 0 skips the factor: Pow's gradient 0 * x^-1 would be NaN where p_t = 1.
        var perSample = Gamma == 0 ? logPt : b.Mul(b.Pow(b.Sub(c.Scalar(1), b.Exp(logPt)), c.Scalar(Gamma)), logPt);
        return b.Mul(LossMath.Mean(c, perSample), c.Scalar(-Alpha));
    }

    protected override IEnumerable<(string Key, string Value)> SpecParameters
    {
        get
        {
            if (Gamma != 2) yield return ("gamma", Format(Gamma));
            if (Alpha != 1) yield return ("alpha", Format(Alpha));
        }
    }
}
