using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Build.Tests.Checkpoints;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Artifacts;

[TestClass]
public sealed class ArtifactErrorTests
{
    [TestMethod]
    public void AFolderOfOtherFilesIsNeverReplaced()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        Directory.CreateDirectory(temp["mine/photos"]);
        File.WriteAllText(temp["mine/notes.txt"], "keep me");
        var e = Assert.ThrowsExactly<IOException>(() => ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["mine"]));
        StringAssert.Contains(e.Message, "holds files that are not OrtAdapter artifacts");
        Assert.AreEqual("keep me", File.ReadAllText(temp["mine/notes.txt"]));
        Assert.IsTrue(Directory.Exists(temp["mine/photos"]));
        // An artifacts folder is replaced (that is what rebuilding means), an empty one filled.
        ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["a"]);
        ArtifactBuilder.Build(model, ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("houlsby", new() { Reduction = 8 }) }, temp["a"]);
        Directory.CreateDirectory(temp["empty"]);
        ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["empty"]);
    }

    /// <summary>A manifest whose contract is null or of an older format is refused with its path, never read into a half-typed object.</summary>
    [TestMethod]
    [DataRow("\"recipe\": {", "\"recipe\": null, \"x\": {", "$.recipe")]
    [DataRow("\"training_inputs\": [", "\"training_inputs\": null, \"x\": [", "$.training_inputs")]
    [DataRow("\"format\": 5", "\"format\": 4", "manifest format 4, this build reads 5; rebuild the artifacts")]
    [DataRow("\"num_labels\": 2", "\"num_labels\": 2, \"num_labels\": 3", "num_labels")]
    public void ABrokenContractIsRefusedByName(string from, string to, string expected)
    {
        using var temp = new TempFolder();
        ArtifactBuilder.Build(TinyEncoder.Write(temp["base"]), ArtifactRecipe.Default, temp["a"]);
        var path = Path.Combine(temp["a"], ArtifactManifest.FileName);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));

        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ArtifactManifest.Load(temp["a"]));
        StringAssert.Contains(e.Message, expected);
        StringAssert.StartsWith(e.Message, path);
    }

    [TestMethod]
    public void AReductionWiderThanTheModelIsRefused()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ArtifactBuilder.Build(model, ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("houlsby", new() { Reduction = TinyEncoder.Hidden + 1 }) }, temp["a"]));
        Assert.AreEqual($"--reduction {TinyEncoder.Hidden + 1} is larger than the hidden size {TinyEncoder.Hidden}: the bottleneck would be narrower than one unit (use at most {TinyEncoder.Hidden}).", e.Message);
        Assert.IsFalse(Directory.Exists(temp["a"]));
        ArtifactBuilder.Build(model, ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("houlsby", new() { Reduction = TinyEncoder.Hidden }) }, temp["a"]);
    }

    [TestMethod]
    public void UnrecognisedEncoderNamesWhatWasLookedForAndWritesNothing()
    {
        using var temp = new TempFolder();
        // Remove block 1's attention layer norm: the sublayer's residual Add feeds the next block directly.
        var model = TinyEncoder.Write(temp["base"], g =>
        {
            var norms = g.Nodes.Where(n => n.OpType == OpTypes.LayerNormalization).ToList();
            var ln = norms[3]; // embeddings, block 0 attention, block 0 FFN, block 1 attention
            g.ReplaceAllUses(ln.Output[0], ln.Input[0]);
            g.CleanupAndSort();
        });
        var e = Assert.ThrowsExactly<EncoderStructureException>(() => ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["a"]));
        StringAssert.Contains(e.Message, "not found");
        StringAssert.Matches(e.Message, new System.Text.RegularExpressions.Regex("layer norm|LayerNorm|residual|block"));
        Assert.IsFalse(Directory.Exists(temp["a"]));
        Assert.IsFalse(Directory.Exists(temp["a"] + ".building"));
    }

    [TestMethod]
    [DataRow("-0.5*ce+1*supcon", "negative")]
    [DataRow("0*ce+0*supcon", "All loss weights are zero")]
    [DataRow("NaN*ce+1*supcon", "finite")]
    public void BadLossWeightsAreRejected(string loss, string expected)
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var e = Assert.ThrowsExactly<LossException>(() => ArtifactBuilder.Build(model, new ArtifactRecipe { Loss = loss }, temp["a"]));
        StringAssert.Contains(e.Message, expected);
        Assert.IsFalse(Directory.Exists(temp["a"]));
        // The trainer checks run-time weights with the same rule.
        Assert.ThrowsExactly<LossException>(() => WeightedLoss.ValidateWeights([double.PositiveInfinity, 1]));
    }

    [TestMethod]
    public void LabelOutOfRangeIsNamed()
    {
        var e = Assert.ThrowsExactly<LossException>(() => LossInputs.Validate([0, 1, 2, 1], 2, firstRow: 10));
        StringAssert.Contains(e.Message, "Label 2 at row 12");
    }
}
