
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// Picks the artifacts for (base model, recipe): the prebuilt folder when its manifest was built from exactly
/// these, else a folder under the cache named by the recipe's hash, built on first use; cached folders of one base
/// share their frozen weights (<see cref="SharedFrozenWeights"/>).
/// </summary>
public static class ArtifactCache
{
    public static (string Folder, bool Built) Resolve(string baseModel, ArtifactRecipe recipe, string? prebuilt, string cacheRoot, Action<string>? log = null)
    {
        var sha = FileHash.Sha256(baseModel);
        var hash = recipe.Hash(sha);
        if (prebuilt is not null && ArtifactManifest.TryLoad(prebuilt)?.OptionsHash == hash)
            return (prebuilt, false);
        var folder = Path.Combine(cacheRoot, hash[..16]);
        if (ArtifactManifest.TryLoad(folder)?.OptionsHash == hash)
            return (folder, false);
        log?.Invoke($"building artifacts for this recipe into {folder}");
        var manifest = ArtifactBuilder.Build(baseModel, recipe, folder);
        SharedFrozenWeights.Share(folder, manifest, cacheRoot);
        return (folder, true);
    }
}
