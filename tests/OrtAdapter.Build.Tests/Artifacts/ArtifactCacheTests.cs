using OrtAdapter.Build.Adapters;
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
            var other = ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("houlsby", new() { Reduction = 8 }) };
            var (first, builtFirst) = ArtifactCache.Resolve(model, other, prebuilt, cache);
            var (again, builtAgain) = ArtifactCache.Resolve(model, other, prebuilt, cache);

            Assert.AreEqual(prebuilt, same);
            Assert.IsFalse(builtSame);
            Assert.IsTrue(builtFirst);
            Assert.IsFalse(builtAgain);
            Assert.AreEqual(first, again);
            Assert.AreEqual(8, ((OrtAdapter.Build.Surgery.BottleneckAdapterOptions)ArtifactManifest.Load(first).Recipe.Adapter.Options).ReductionFactor);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void RecipesOfOneBaseShareOneFrozenWeightsFile()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Inconclusive("hard links are made on Linux and macOS");
        var root = Path.Combine(Path.GetTempPath(), "ortadapter-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = TinyEncoder.Write(Path.Combine(root, "base"));
            var cache = Path.Combine(root, "cache");
            var (a, _) = ArtifactCache.Resolve(model, ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("houlsby", new() { Reduction = 8 }) }, null, cache);
            var (b, _) = ArtifactCache.Resolve(model, ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("lora", new()) }, null, cache);
            var fileA = Path.Combine(a, ArtifactBuilder.FrozenWeights);
            var fileB = Path.Combine(b, ArtifactBuilder.FrozenWeights);
            Assert.HasCount(1, Directory.GetFiles(Path.Combine(cache, SharedFrozenWeights.FolderName)), "one shared copy");

            // One file under several names: a byte written through one name is read through the other.
            var original = File.ReadAllBytes(fileB)[100];
            using (var stream = new FileStream(fileA, FileMode.Open, FileAccess.Write)) { stream.Position = 100; stream.WriteByte((byte)(original ^ 0xFF)); }
            Assert.AreEqual((byte)(original ^ 0xFF), File.ReadAllBytes(fileB)[100]);

            // Damaged through one name, each folder still repairs its own: the repair is a new file, not an edit.
            FrozenWeightsFile.EnsureValid(a, ArtifactManifest.Load(a));
            FrozenWeightsFile.EnsureValid(b, ArtifactManifest.Load(b));
            Assert.AreEqual(original, File.ReadAllBytes(fileA)[100]);
            Assert.AreEqual(original, File.ReadAllBytes(fileB)[100]);
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
