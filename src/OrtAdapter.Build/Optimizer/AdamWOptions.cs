namespace OrtAdapter.Build.Optimizer;

/// <summary>
/// AdamW hyper-parameters with PyTorch's <c>torch.optim.AdamW</c> defaults and the project recipe (REFERENCE.md);
/// the learning rate is not here: it is a run-time input, so a schedule needs no new graph.
/// </summary>
public sealed class AdamWOptions
{
    /// <summary>Decay of the first moment (torch betas[0]). Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Decay of the second moment (torch betas[1]). Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Added to the bias-corrected root of the second moment. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay: <c>p *= 1 - lr * WeightDecay</c> before the Adam step. Default 0.01.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>
    /// Global L2-norm clipping as <c>torch.nn.utils.clip_grad_norm_</c>: gradients are scaled by
    /// <c>min(1, MaxGradNorm / (norm + 1e-6))</c>. Default 1.0; null or 0 disables clipping
    /// (the norm is still reported as <c>grad_norm</c>).
    /// </summary>
    public double? MaxGradNorm { get; init; } = 1.0;

    /// <summary>
    /// Parameters exempt from weight decay (e.g. biases and layer-norm scales), by name.
    /// Default null: every parameter decays, as torch does when given one parameter group.
    /// </summary>
    public Predicate<string>? NoDecay { get; init; }

    /// <summary>
    /// Compute the step's scalars (bias corrections, step size, decay factor) and the gradient norm in float32 instead
    /// of double. Default false: double, as torch computes them in Python floats. True makes a graph without a single
    /// double value, for runtimes that have no double kernels (onnxruntime-web's WebGPU provider); the step then
    /// differs from torch's by float32 rounding of those scalars.
    /// </summary>
    public bool Float32Scalars { get; init; }

    /// <summary>The options PyTorch and the default recipe use.</summary>
    public static AdamWOptions Default { get; } = new();

    internal bool Clips => MaxGradNorm is > 0;

    internal bool Decays(string parameter) => WeightDecay != 0 && NoDecay?.Invoke(parameter) != true;

    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "AdamW Beta1 must be in [0, 1).");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "AdamW Beta2 must be in [0, 1).");
        if (!(Epsilon >= 0) || double.IsInfinity(Epsilon)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "AdamW Epsilon must be finite and >= 0.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "AdamW WeightDecay must be finite and >= 0.");
        if (MaxGradNorm is { } m && (!(m >= 0) || double.IsInfinity(m)))
            throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), m, "AdamW MaxGradNorm must be finite and >= 0 (null or 0 disables clipping).");
    }
}
