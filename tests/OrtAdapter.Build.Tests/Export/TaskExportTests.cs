using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>The probabilities output follows the task: sigmoid per logit for multi-label, the logits for regression.</summary>
[TestClass]
public sealed class TaskExportTests
{
    [TestMethod]
    [DataRow(TaskKind.MultiLabel, "1*bce", 3)]
    [DataRow(TaskKind.Regression, "1*mse", 1)]
    public void ProbabilitiesFollowTheTask(TaskKind task, string loss, int outputs)
    {
        using var fixture = new ExportFixture(ArtifactRecipe.Default with { Task = task, Loss = loss, NumLabels = outputs });
        var checkpoint = Path.Combine(fixture.NewFolder("ckpt"), "checkpoint-best");
        Checkpoint.Save(checkpoint, new CheckpointData { Tensors = fixture.RandomTensors(seed: 21, std: 0.1) });
        var model = Path.Combine(fixture.NewFolder("out"), "model.onnx");
        ModelExporter.Export(checkpoint, model, artifactsFolder: fixture.Artifacts);

        var result = ExportOrt.Run(model, ExportOrt.Random(4, 16, seed: 5));
        var expected = task == TaskKind.Regression ? result["logits"] : result["logits"].Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray();
        Assert.IsLessThanOrEqualTo(Tolerances.ExportParity, ExportOrt.MaxAbsDifference(result["probabilities"], expected));
        var props = ModelFile.Load(model).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual(task.Describe(), props[InferenceMetadata.Task]);
        Assert.AreEqual(outputs, System.Text.Json.JsonSerializer.Deserialize<string[]>(props[InferenceMetadata.Labels])!.Length);
        Assert.IsEmpty(LeanModel.TrainingLeftovers(OnnxGraph.Load(model)));
    }

    /// <summary>Terms fed from the data (teacher logits, target embeddings) are graph inputs of the training and eval graphs only.</summary>
    [TestMethod]
    public void DataFedLossInputsStayOutOfTheLeanModel()
    {
        using var fixture = new ExportFixture(ArtifactRecipe.Default with { Loss = "0.4*ce+0.3*kd+0.3*cosine" });
        foreach (var input in new[] { "teacher_logits", "target_embedding" })
        {
            Assert.IsTrue(fixture.Manifest.TrainingInputs.Any(i => i.Name == input), $"training graph takes {input}");
            Assert.IsTrue(fixture.Manifest.EvalInputs.Any(i => i.Name == input), $"eval graph takes {input} (dev loss)");
        }
        CollectionAssert.AreEqual(new[] { "batch_size", "2" }, fixture.Manifest.TrainingInputs.Single(i => i.Name == "teacher_logits").Dims.ToArray());
        CollectionAssert.AreEqual(new[] { "batch_size", "256" }, fixture.Manifest.TrainingInputs.Single(i => i.Name == "target_embedding").Dims.ToArray());
        var checkpoint = Path.Combine(fixture.NewFolder("ckpt"), "checkpoint-best");
        Checkpoint.Save(checkpoint, new CheckpointData { Tensors = fixture.RandomTensors(seed: 22, std: 0.1) });
        var model = Path.Combine(fixture.NewFolder("out"), "model.onnx");
        ModelExporter.Export(checkpoint, model, artifactsFolder: fixture.Artifacts);

        var graph = OnnxGraph.Load(model);
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask", "token_type_ids" }, graph.Proto.Input.Select(i => i.Name).ToArray());
        Assert.IsEmpty(LeanModel.TrainingLeftovers(graph));
    }
}
