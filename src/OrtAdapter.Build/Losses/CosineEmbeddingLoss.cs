using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Pulls the pooled embedding towards a given target embedding [batch, H]: mean_i (1 - cos(z_i, e_i)), with each
/// vector divided by max(||v||, 1e-12) as F.normalize does.
/// </summary>
public sealed class CosineEmbeddingLoss : LossTerm
{
    public override string Name => "cosine";
    public override LossNeeds Needs => LossNeeds.Pooled | LossNeeds.TargetEmbedding;
    public override bool Supports(TaskKind task) => true;

    public override string Emit(LossContext c)
    {
        var target = c.Require(c.TargetEmbedding, $"a target embedding ('{LossNames.TargetEmbedding}')", this);
        var cos = LossMath.RowSum(c, c.B.Mul(LossMath.L2Normalize(c, c.Pooled), LossMath.L2Normalize(c, target)));
        return LossMath.Mean(c, c.B.Sub(c.Scalar(1), cos));
    }
}
