using System.Text.Json.Serialization;

namespace OrtAdapter.Build.Surgery;

/// <summary>What every adapter kind's options have; a kind's options record derives from it and is its recipe spec.</summary>
public abstract record AdapterOptions
{
    /// <summary>0-based layers that get adapters; null (default) means every layer.</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>Seed of the initial values. Default 0. Not part of a recipe's adapter spec: the recipe's own seed is used.</summary>
    [JsonIgnore]
    public int Seed { get; init; }
}
