using System.Text.Json;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Surgery;

namespace OrtAdapter.Build.Tests.Adapters;

/// <summary>The adapter plug-in registry: every kind's spec survives the recipe's JSON; bad specs and settings are named.</summary>
[TestClass]
public sealed class AdapterSpecTests
{
    public static IEnumerable<object[]> Kinds() => AdapterKinds.Names.Select(n => new object[] { n });

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void EveryKindRoundTripsThroughTheRecipe(string name)
    {
        var recipe = ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure(name, new()) };
        var json = JsonSerializer.Serialize(recipe, ArtifactManifest.Json);
        var back = JsonSerializer.Deserialize<ArtifactRecipe>(json, ArtifactManifest.Json)!;

        Assert.AreSame(AdapterKinds.Get(name), back.Adapter.Kind);
        Assert.AreEqual(recipe.Adapter.Options, back.Adapter.Options);
        Assert.AreEqual(json, JsonSerializer.Serialize(back, ArtifactManifest.Json));
        Assert.AreEqual(name, JsonDocument.Parse(json).RootElement.GetProperty("adapter").GetProperty("kind").GetString(), "kind first, by name");
    }

    [TestMethod]
    public void OptionsAreWrittenBesideTheKind()
    {
        var spec = AdapterKinds.Configure("houlsby", new() { Reduction = 8, Activation = AdapterActivation.Gelu });
        var json = JsonSerializer.SerializeToElement(spec, ArtifactManifest.Json);
        Assert.AreEqual("""{"kind":"houlsby","reduction_factor":8,"activation":"gelu"}""", json.GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.AreEqual(new BottleneckAdapterOptions { ReductionFactor = 8, Activation = AdapterActivation.Gelu }, spec.Options);
    }

    [TestMethod]
    [DataRow("\"houlsby\"", "must be an object")]
    [DataRow("{\"reduction_factor\": 8}", "no \"kind\"")]
    [DataRow("{\"kind\": \"prefix\"}", "Unknown adapter kind 'prefix'")]
    [DataRow("{\"kind\": \"houlsby\", \"ns\": 2, \"ns\": 2}", "the key 'ns' twice")]
    public void ABadSpecIsNamed(string adapter, string expected)
    {
        var e = Assert.ThrowsExactly<JsonException>(() => JsonSerializer.Deserialize<ArtifactRecipe>($$"""{"adapter": {{adapter}}}""", ArtifactManifest.Json));
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void ASettingTheKindDoesNotReadIsRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => AdapterKinds.Configure("houlsby", new() { LoraRank = 4 }));
        Assert.AreEqual("--lora-rank does not apply to --adapter houlsby (it reads --reduction, --activation).", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => AdapterKinds.Configure("ia3", new() { Reduction = 4 }));
        Assert.AreEqual("--reduction does not apply to --adapter ia3 (it has no options).", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => AdapterKinds.Configure("prefix", new()));
        StringAssert.Contains(e.Message, "houlsby, pfeiffer, lora, ia3");
    }

    [TestMethod]
    public void OptionsOfAnotherKindAreRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AdapterSpec(AdapterKinds.Lora, new BottleneckAdapterOptions()));
        StringAssert.Contains(e.Message, "takes LoraOptions");
    }
}
