using OrtAdapter.Build.Artifacts;

namespace OrtAdapter.Build.Tests.Artifacts;

[TestClass]
public sealed class ArtifactCacheTests
{
    [TestMethod]
    public void PrebuiltIsUsedWhenItMatchesAndOtherRecipesAreBuiltOnceIntoTheCache()
    {
        var root = Path.Combine(Path.GetTempPath(), "ortadapter-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = TinyEncoder.Write(Path.Combine(root, "base"));
            var prebuilt = Path.Combine(root, "prebuilt");
            var cache = Path.Combine(root, "cache");
            ArtifactBuilder.Build(model, ArtifactRecipe.Default, prebuilt);

            var (same, builtSame) = ArtifactCache.Resolve(model, ArtifactRecipe.Default, prebuilt, cache);
            var other = ArtifactRecipe.Default with { ReductionFactor = 8 };
            var (first, builtFirst) = ArtifactCache.Resolve(model, other, prebuilt, cache);
            var (again, builtAgain) = ArtifactCache.Resolve(model, other, prebuilt, cache);

            Assert.AreEqual(prebuilt, same);
            Assert.IsFalse(builtSame);
            Assert.IsTrue(builtFirst);
            Assert.IsFalse(builtAgain);
            Assert.AreEqual(first, again);
            Assert.AreEqual(8, ArtifactManifest.Load(first).Options.GetProperty("reduction_factor").GetInt32());
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void PrebuiltOfAnotherArtifactsFormatIsRebuiltNotTrusted()
    {
        var root = Path.Combine(Path.GetTempPath(), "ortadapter-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = TinyEncoder.Write(Path.Combine(root, "base"));
            var prebuilt = Path.Combine(root, "prebuilt");
            ArtifactBuilder.Build(model, ArtifactRecipe.Default, prebuilt);
            var manifest = Path.Combine(prebuilt, ArtifactManifest.FileName);
            File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"\"format\": {ArtifactManifest.CurrentFormat}", "\"format\": 1", StringComparison.Ordinal));

            var (folder, built) = ArtifactCache.Resolve(model, ArtifactRecipe.Default, prebuilt, Path.Combine(root, "cache"));

            Assert.IsTrue(built);
            Assert.AreNotEqual(prebuilt, folder);
            Assert.IsNull(ArtifactManifest.TryLoad(prebuilt));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
