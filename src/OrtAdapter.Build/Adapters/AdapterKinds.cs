namespace OrtAdapter.Build.Adapters;

/// <summary>The registry of adapter kinds: a new kind is one class and one entry in <see cref="All"/>.</summary>
public static class AdapterKinds
{
    public static IAdapterKind Houlsby { get; } = new HoulsbyKind();
    public static IAdapterKind Pfeiffer { get; } = new PfeifferKind();
    public static IAdapterKind Lora { get; } = new LoraKind();
    public static IAdapterKind Ia3 { get; } = new Ia3Kind();

    public static IReadOnlyList<IAdapterKind> All { get; } = [Houlsby, Pfeiffer, Lora, Ia3];

    public static IReadOnlyList<string> Names => [.. All.Select(k => k.Name)];

    /// <summary>The kind named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IAdapterKind? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The kind named <paramref name="name"/>; an unknown name is an <see cref="ArgumentException"/> listing the known ones.</summary>
    public static IAdapterKind Get(string name) => Find(name) ?? throw new ArgumentException(Unknown(name));

    /// <summary>"--adapter NAME: unknown adapter kind; the kinds are ...".</summary>
    public static string Unknown(string name) => $"--adapter {name}: unknown adapter kind; the kinds are {string.Join(", ", Names)}.";

    /// <summary>The spec of kind <paramref name="name"/> from command-line settings; a setting the kind does not read is refused.</summary>
    public static AdapterSpec Configure(string name, AdapterSettings settings)
    {
        var kind = Get(name);
        if (settings.Given().FirstOrDefault(o => !kind.CommandLineOptions.Contains(o)) is { } stray)
            throw new ArgumentException($"{stray} does not apply to --adapter {kind.Name}"
                + (kind.CommandLineOptions.Count == 0 ? " (it has no options)." : $" (it reads {string.Join(", ", kind.CommandLineOptions)})."));
        return new AdapterSpec(kind, kind.Configure(settings));
    }
}
