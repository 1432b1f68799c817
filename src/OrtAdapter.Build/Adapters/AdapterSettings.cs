using OrtAdapter.Build.Surgery;

namespace OrtAdapter.Build.Adapters;

/// <summary>
/// The adapter options as the command line gives them; null = not given, so the kind's default holds. A kind reads
/// the ones it lists in <see cref="IAdapterKind.CommandLineOptions"/>.
/// </summary>
public sealed record AdapterSettings
{
    public const string ReductionOption = "--reduction", ActivationOption = "--activation", LoraRankOption = "--lora-rank", LoraAlphaOption = "--lora-alpha";

    /// <summary><c>--reduction</c>: bottleneck width = hidden / this.</summary>
    public int? Reduction { get; init; }

    /// <summary><c>--activation</c>: the bottleneck's non-linearity.</summary>
    public AdapterActivation? Activation { get; init; }

    /// <summary><c>--lora-rank</c>.</summary>
    public int? LoraRank { get; init; }

    /// <summary><c>--lora-alpha</c>.</summary>
    public double? LoraAlpha { get; init; }

    /// <summary>The options given, by command-line name.</summary>
    public IEnumerable<string> Given()
    {
        if (Reduction is not null) yield return ReductionOption;
        if (Activation is not null) yield return ActivationOption;
        if (LoraRank is not null) yield return LoraRankOption;
        if (LoraAlpha is not null) yield return LoraAlphaOption;
    }
}
