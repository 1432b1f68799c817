namespace OrtAdapter.Build.Surgery;

/// <summary>
/// One dropout site of a training graph: the graph reads uint8 input <paramref name="MaskInput"/> (1 = keep) of
/// shape <paramref name="Dims"/> and computes <c>x · mask / (1 - rate)</c>. The trainer generates the masks from
/// (seed, step) so runs are reproducible.
/// </summary>
/// <param name="MaskInput">Graph input name, <c>dropout_mask.&lt;k&gt;</c>.</param>
/// <param name="Dims">The mask's dims: symbolic names ("batch_size", "sequence_length") or numbers ("256").</param>
/// <param name="Rate">Probability of dropping an element.</param>
/// <param name="Value">The value dropped (for diagnostics).</param>
public sealed record DropoutSite(string MaskInput, string[] Dims, float Rate, string Value);
