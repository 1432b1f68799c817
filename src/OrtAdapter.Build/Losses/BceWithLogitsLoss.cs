using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Binary cross-entropy on logits for multi-label heads, mean over all batch × C elements as PyTorch's
/// BCEWithLogitsLoss; labels float [batch, C] in [0, 1]. Stable form: max(s, 0) - s y + log(1 + exp(-|s|)).
/// </summary>
public sealed class BceWithLogitsLoss : LossTerm
{
    public override string Name => "bce";
    public override LossNeeds Needs => LossNeeds.Logits | LossNeeds.Labels;
    public override bool Supports(TaskKind task) => task == TaskKind.MultiLabel;

    public override string Emit(LossContext c)
    {
        var b = c.B;
        var s = c.Logits;
        var y = c.Require(c.Labels, "labels", this);
        var softplusNegAbs = b.Log(b.Add(c.Scalar(1), b.Exp(b.Neg(b.Abs(s)))));
        return LossMath.Mean(c, b.Add(b.Sub(b.Relu(s), b.Mul(s, y)), softplusNegAbs));
    }
}
