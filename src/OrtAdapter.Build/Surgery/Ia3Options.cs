namespace OrtAdapter.Build.Surgery;

/// <summary>Options of <see cref="Ia3Pass"/>: only the common ones (which layers); the vectors start at one.</summary>
public sealed record Ia3Options : AdapterOptions;
