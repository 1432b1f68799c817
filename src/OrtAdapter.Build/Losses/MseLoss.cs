using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>Mean squared error for regression heads, mean over all batch × C elements; targets float [batch, C].</summary>
public sealed class MseLoss : LossTerm
{
    public override string Name => "mse";
    public override LossNeeds Needs => LossNeeds.Logits | LossNeeds.Labels;
    public override bool Supports(TaskKind task) => task == TaskKind.Regression;

    public override string Emit(LossContext c)
    {
        var d = c.B.Sub(c.Logits, c.Require(c.Labels, "targets", this));
        return LossMath.Mean(c, c.B.Mul(d, d));
    }
}
