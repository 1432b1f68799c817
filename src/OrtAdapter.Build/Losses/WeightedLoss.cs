using System.Globalization;

namespace OrtAdapter.Build.Losses;

/// <summary>A loss term with its weight. The weight is the default fed to the term's "loss_weight_k" input.</summary>
public sealed record WeightedLoss(LossTerm Term, double Weight)
{
    public override string ToString() => $"{Weight.ToString(CultureInfo.InvariantCulture)}*{Term}";

    /// <summary>
    /// Checks a set of weights (the defaults, or a run's scheduled values before feeding): each finite and ≥ 0, and
    /// not all zero. Throws <see cref="LossException"/> naming the bad weight.
    /// </summary>
    public static void ValidateWeights(IReadOnlyList<double> weights)
    {
        if (weights.Count == 0) throw new LossException("The loss has no terms.");
        for (int k = 0; k < weights.Count; k++)
        {
            if (double.IsNaN(weights[k]) || double.IsInfinity(weights[k]))
                throw new LossException($"Loss weight {k + 1} ({LossNames.Weight(k + 1)}) is {weights[k].ToString(CultureInfo.InvariantCulture)}; it must be a finite number.");
            if (weights[k] < 0)
                throw new LossException($"Loss weight {k + 1} ({LossNames.Weight(k + 1)}) is negative ({weights[k].ToString(CultureInfo.InvariantCulture)}).");
        }
        if (weights.All(w => w == 0)) throw new LossException("All loss weights are zero: nothing would be trained.");
    }
}
