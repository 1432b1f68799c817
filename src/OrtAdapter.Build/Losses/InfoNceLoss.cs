using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// In-batch InfoNCE on L2-normalised pooled embeddings: sim = z1 z2ᵀ / T, cross-entropy with the diagonal as the
/// targets, mean over the batch. With one view (the default) z2 = z1, the contrastive term of the benchmark; with
/// a second pooled value (<see cref="LossContext.PooledView2"/>, e.g. another dropout pass) it is SimCSE's loss.
/// </summary>
public sealed class InfoNceLoss : LossTerm
{
    /// <param name="temperature">T &gt; 0. Default 0.05 (SimCSE).</param>
    public InfoNceLoss(double temperature = 0.05) => Temperature = Positive(temperature, "infonce", "temperature");

    public double Temperature { get; }

    public override string Name => "infonce";
    public override LossNeeds Needs => LossNeeds.Pooled;
    public override bool Supports(TaskKind task) => true;

    public override string Emit(LossContext c)
    {
        var sim = LossMath.ScaledSimilarity(c, c.Pooled, c.PooledView2 ?? c.Pooled, Temperature);
        var eye = LossMath.ToElem(c, LossMath.EyeMask(c, c.Pooled));
        var logPDiagonal = LossMath.RowSum(c, c.B.Mul(eye, c.B.LogSoftmax(sim, 1)));
        return c.B.Neg(LossMath.Mean(c, logPDiagonal));
    }

    protected override IEnumerable<(string Key, string Value)> SpecParameters
    {
        get { if (Temperature != 0.05) yield return ("temperature", Format(Temperature)); }
    }
}
