using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>
/// An IA³ recipe exports with its vectors folded into the frozen weights: the lean model has the nodes and weight
/// sizes of the base with its head (as a fully merged LoRA export has), the same outputs as the eval graph, and
/// attach reproduces it from the adapter file.
/// </summary>
[TestClass]
public sealed class Ia3ExportTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Ia3IsFoldedAndOutputsEqual()
    {
        using var fixture = new ExportFixture(ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("ia3", new()) });
        var run = fixture.MakeRun(seed: 5, std: 0.5);
        var tensors = Checkpoint.Load(Path.Combine(run, "checkpoint-best")).Tensors;
        var folder = fixture.NewFolder("out");
        var model = Path.Combine(folder, "model.onnx");
        var exported = ModelExporter.Export(run, model);

        var graph = OnnxGraph.Load(model);
        Assert.IsEmpty(graph.Initializers.Where(t => t.Name.Contains("ia3", StringComparison.Ordinal)).Select(t => t.Name));
        Assert.IsEmpty(LeanModel.TrainingLeftovers(graph));
        using (var lora = new ExportFixture(ArtifactRecipe.Default with { Adapter = AdapterKinds.Configure("lora", new()) }))
        {
            var loraModel = Path.Combine(lora.NewFolder("out"), "model.onnx");
            ModelExporter.Export(lora.MakeRun(seed: 5), loraModel);
            var merged = OnnxGraph.Load(loraModel);
            Assert.AreEqual(merged.Nodes.Count, graph.Nodes.Count, "the base's nodes and the head's, nothing more");
            Assert.AreEqual(Elements(merged), Elements(graph), "the base's weights and the head's, nothing more");
        }

        foreach (var (tokens, diff) in ExportOrt.LogitsAgainstEval(model, Path.Combine(fixture.Artifacts, ArtifactBuilder.EvalModel), tensors))
        {
            TestContext.WriteLine($"IA³ folded, batch {tokens.Batch}x{tokens.Sequence}: max |logits - eval| = {diff:E2}");
            Assert.IsLessThanOrEqualTo(Tolerances.ExportParity, diff);
        }

        var attached = Path.Combine(folder, "attached.onnx");
        ModelExporter.Attach(ExportFixture.BaseModel, exported.AdapterPath!, attached);
        CollectionAssert.AreEqual(File.ReadAllBytes(model), File.ReadAllBytes(attached), "attach writes the same bytes as export");
    }

    [TestMethod]
    public void AVectorThatIsNotBesideALinearLayerIsRefused()
    {
        var graph = Surgery.SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
        var structure = EncoderStructure.Find(graph);
        // A scale on the residual stream (the block's output) sits beside no linear layer that reads or writes only it.
        var b = new OpBuilder(graph, "stray");
        graph.AddInitializer(WeightInit.Make("stray.ia3_scale", 1, [.. Enumerable.Repeat(1.0, (int)structure.HiddenSize)], structure.HiddenSize));
        var output = structure.Blocks[0].Output;
        var scaled = b.Mul(output, "stray.ia3_scale");
        graph.ReplaceAllUses(output, scaled, except: graph.Producer(scaled));

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ChannelScaleFoldPass.Apply(graph, ["stray.ia3_scale"]));
        StringAssert.Contains(e.Message, "'stray.ia3_scale' cannot be folded");
    }

    static long Elements(OnnxGraph g) => g.Initializers.Sum(t => TensorData.ElementCount(t.Dims));
}
