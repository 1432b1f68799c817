namespace OrtAdapter.Build.Surgery;

/// <summary>Options of the bottleneck adapters (<see cref="HoulsbyAdapterPass"/>, <see cref="PfeifferAdapterPass"/>).</summary>
public sealed record BottleneckAdapterOptions : AdapterOptions
{
    /// <summary>Bottleneck width is hidden size / this (at least 1). Default 16.</summary>
    public int ReductionFactor { get; init; } = 16;

    /// <summary>Non-linearity between down- and up-projection. Default <see cref="AdapterActivation.Relu"/>.</summary>
    public AdapterActivation Activation { get; init; } = AdapterActivation.Relu;

    /// <summary>
    /// Standard deviation of a normal initialisation of the down-projection (bias zero). Default null: PyTorch's
    /// nn.Linear default, uniform ±1/√hidden for weight and bias, as the libtorch reference recipe initialises it.
    /// </summary>
    public double? InitStd { get; init; }

    internal void Validate()
    {
        if (ReductionFactor < 1) throw new ArgumentOutOfRangeException(nameof(ReductionFactor), $"{nameof(ReductionFactor)} must be ≥ 1, got {ReductionFactor}.");
        if (InitStd is { } std && (!(std >= 0) || double.IsInfinity(std))) throw new ArgumentOutOfRangeException(nameof(InitStd), $"{nameof(InitStd)} must be finite and ≥ 0, got {InitStd}.");
        if (!Enum.IsDefined(Activation)) throw new ArgumentOutOfRangeException(nameof(Activation), $"Unknown {nameof(Activation)} {Activation}.");
    }
}
