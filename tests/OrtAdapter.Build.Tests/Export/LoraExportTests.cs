using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>A LoRA recipe exports with the update merged into the projection weights: no branch left, same outputs.</summary>
[TestClass]
public sealed class LoraExportTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void LoraIsMergedAndOutputsEqual()
    {
        using var fixture = new ExportFixture(ArtifactRecipe.Default with { Adapter = new AdapterSpec(AdapterKinds.Lora, new LoraOptions { Dropout = 0.1f }) });
        var run = fixture.MakeRun(seed: 5, std: 0.05);
        var tensors = Checkpoint.Load(Path.Combine(run, "checkpoint-best")).Tensors;
        var model = Path.Combine(fixture.NewFolder("out"), "model.onnx");
        ModelExporter.Export(run, model);

        var graph = OnnxGraph.Load(model);
        var leftovers = graph.Initializers.Where(t => t.Name.Contains("lora", StringComparison.Ordinal)).Select(t => t.Name).ToList();
        Assert.IsEmpty(leftovers, string.Join(", ", leftovers));
        Assert.IsEmpty(LeanModel.TrainingLeftovers(graph));
        var baseMatMuls = OnnxGraph.Load(ExportFixture.BaseModel, loadExternalData: false).Nodes.Count(n => n.OpType == OpTypes.MatMul);
        // The base MatMuls plus the head's: the two MatMuls of every LoRA branch are gone.
        Assert.AreEqual(baseMatMuls + 1, graph.Nodes.Count(n => n.OpType == OpTypes.MatMul));

        foreach (var (tokens, diff) in ExportOrt.LogitsAgainstEval(model, Path.Combine(fixture.Artifacts, ArtifactBuilder.EvalModel), tensors))
        {
            TestContext.WriteLine($"LoRA merged, batch {tokens.Batch}x{tokens.Sequence}: max |logits - eval| = {diff:E2}");
            Assert.IsLessThanOrEqualTo(Tolerances.ExportParity, diff);
        }
    }
}
