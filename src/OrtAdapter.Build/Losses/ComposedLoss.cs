namespace OrtAdapter.Build.Losses;

/// <summary>What <see cref="LossComposer"/> added.</summary>
/// <param name="Loss">Scalar graph output "loss" = sum_k loss_weight_k · loss_term_k.</param>
/// <param name="TermOutputs">Graph outputs "loss_term_k": each term's unweighted value.</param>
/// <param name="WeightInputs">Scalar graph inputs "loss_weight_k" of the loss's element type.</param>
/// <param name="DefaultWeights">The weights of the recipe, to feed unless a schedule says otherwise.</param>
/// <param name="Labels">The labels input ("labels"), or null when no term reads labels.</param>
/// <param name="FedInputs">Every graph input the composer declared (labels, weights, teacher logits, ...).</param>
/// <param name="Recipe">The recipe as a spec string (see <see cref="LossSpec.ParseRecipe"/>).</param>
public sealed record ComposedLoss(string Loss, IReadOnlyList<string> TermOutputs, IReadOnlyList<string> WeightInputs,
    IReadOnlyList<double> DefaultWeights, string? Labels, IReadOnlyList<string> FedInputs, string Recipe);
