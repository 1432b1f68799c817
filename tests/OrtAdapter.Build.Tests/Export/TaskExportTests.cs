using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Heads;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>The probabilities output follows the task: sigmoid per logit for multi-label, the logits for regression.</summary>
[TestClass]
public sealed class TaskExportTests
{
    [TestMethod]
    [DataRow(HeadTask.MultiLabel, "1*bce", 3)]
    [DataRow(HeadTask.Regression, "1*mse", 1)]
    public void ProbabilitiesFollowTheTask(HeadTask task, string loss, int outputs)
    {
        using var fixture = new ExportFixture(ArtifactRecipe.Default with { Task = task, Loss = loss, NumLabels = outputs });
        var checkpoint = Path.Combine(fixture.NewFolder("ckpt"), "checkpoint-best");
        Checkpoint.Save(checkpoint, new CheckpointData { Tensors = fixture.RandomTensors(seed: 21, std: 0.1) });
        var model = Path.Combine(fixture.NewFolder("out"), "model.onnx");
        ModelExporter.Export(checkpoint, model, artifactsFolder: fixture.Artifacts);

        var result = ExportOrt.Run(model, ExportOrt.Random(4, 16, seed: 5));
        var expected = task == HeadTask.Regression ? result["logits"] : result["logits"].Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray();
        Assert.IsLessThanOrEqualTo(Tolerances.ExportParity, ExportOrt.MaxAbsDifference(result["probabilities"], expected));
        var props = ModelFile.Load(model).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual(task.Describe(), props[InferenceMetadata.Task]);
        Assert.AreEqual(outputs, System.Text.Json.JsonSerializer.Deserialize<string[]>(props[InferenceMetadata.Labels])!.Length);
        Assert.IsEmpty(LeanModel.TrainingLeftovers(OnnxGraph.Load(model)));
    }
}
