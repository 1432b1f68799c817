using static TorchSharp.torch;

namespace OrtAdapter.TorchReference;

/// <summary>The default recipe's loss: w1 · cross-entropy + w2 · supervised contrastive (T = 0.1) on the L2-normalised pooled embedding.</summary>
static class RecipeLoss
{
    public static (Tensor Loss, Tensor CrossEntropy, Tensor SupCon) Of(Tensor logits, Tensor pooled, Tensor labels, double w1 = 0.9, double w2 = 0.1, double temperature = 0.1)
    {
        var ce = nn.functional.cross_entropy(logits, labels);
        var supcon = SupCon(pooled, labels, temperature);
        return (w1 * ce + w2 * supcon, ce, supcon);
    }

    /// <summary>
    /// Khosla et al.'s L_out: for each anchor, minus the mean over its positives (same label, not itself) of the log-softmax
    /// over the other rows; averaged over the anchors that have a positive.
    /// </summary>
    static Tensor SupCon(Tensor pooled, Tensor labels, double temperature)
    {
        var z = nn.functional.normalize(pooled, p: 2, dim: 1);
        var n = z.shape[0];
        var self = eye(n, dtype: ScalarType.Bool);
        var logProb = (z.matmul(z.t()) / temperature).masked_fill(self, -1e9).log_softmax(1);
        var positives = labels.unsqueeze(1).eq(labels.unsqueeze(0)).logical_and(self.logical_not()).to(ScalarType.Float32);
        var count = positives.sum(1);
        var meanLogProb = (positives * logProb).sum(1) / count.clamp_min(1);
        var anchors = count.gt(0).to(ScalarType.Float32).sum().clamp_min(1);
        return -meanLogProb.sum() / anchors;
    }
}
