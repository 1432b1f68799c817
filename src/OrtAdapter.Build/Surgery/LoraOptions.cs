namespace OrtAdapter.Build.Surgery;

/// <summary>The attention projections LoRA adapts.</summary>
[Flags]
public enum LoraTargets
{
    Query = 1,
    Key = 2,
    Value = 4,
}

/// <summary>Options of <see cref="LoraPass"/>.</summary>
public sealed record LoraOptions : AdapterOptions
{
    /// <summary>Rank r of the update A·B. Default 8.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>The update is scaled by Alpha / Rank. Default 16.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>Dropout on the LoRA branch's input in the training graph (0 = none). Default 0.</summary>
    public float Dropout { get; init; }

    /// <summary>Projections to adapt. Default query and value (Hu et al. 2021).</summary>
    public LoraTargets Targets { get; init; } = LoraTargets.Query | LoraTargets.Value;

    internal void Validate()
    {
        if (Rank < 1) throw new ArgumentOutOfRangeException(nameof(Rank), $"{nameof(Rank)} must be ≥ 1, got {Rank}.");
        if (!double.IsFinite(Alpha)) throw new ArgumentOutOfRangeException(nameof(Alpha), $"{nameof(Alpha)} must be finite, got {Alpha}.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), $"{nameof(Dropout)} must be in [0, 1), got {Dropout}.");
        if (Targets == 0 || (Targets & ~(LoraTargets.Query | LoraTargets.Key | LoraTargets.Value)) != 0)
            throw new ArgumentOutOfRangeException(nameof(Targets), $"{nameof(Targets)} must name query, key and/or value, got {Targets}.");
    }
}
