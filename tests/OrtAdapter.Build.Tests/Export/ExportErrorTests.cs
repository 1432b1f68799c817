using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>A missing or corrupt checkpoint and a wrong base model give clear errors and write nothing.</summary>
[TestClass]
public sealed class ExportErrorTests
{
    static ExportFixture s_fixture = null!;

    [ClassInitialize]
    public static void Build(TestContext _) => s_fixture = new ExportFixture(ArtifactRecipe.Default);

    [ClassCleanup]
    public static void Delete() => s_fixture?.Dispose();

    [TestMethod]
    public void MissingCheckpointWritesNothing()
    {
        var run = s_fixture.MakeRun(seed: 3);
        Directory.Delete(Path.Combine(run, "checkpoint-best"), recursive: true);
        var output = s_fixture.NewFolder("out");
        var e = Assert.ThrowsExactly<CheckpointException>(() => ModelExporter.Export(run, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, "checkpoint-best");
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));

        var nowhere = Path.Combine(s_fixture.Root, "no-such-run");
        Assert.ThrowsExactly<CheckpointException>(() => ModelExporter.Export(nowhere, Path.Combine(output, "model.onnx")));
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));
    }

    [TestMethod]
    public void CorruptCheckpointWritesNothing()
    {
        var run = s_fixture.MakeRun(seed: 4);
        var weights = Path.Combine(run, "checkpoint-best", Checkpoint.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var output = s_fixture.NewFolder("out");
        var e = Assert.ThrowsExactly<CheckpointException>(() => ModelExporter.Export(run, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, weights);
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));
    }

    [TestMethod]
    public void BadMaxLengthInTheSummaryWritesNothing()
    {
        var run = s_fixture.MakeRun(seed: 5);
        var summaryPath = Path.Combine(run, "summary.json");
        File.WriteAllText(summaryPath, File.ReadAllText(summaryPath).Replace($"\"max_length\": {ExportFixture.MaxLength}", "\"max_length\": \"long\"", StringComparison.Ordinal));
        var output = s_fixture.NewFolder("out");
        var e = Assert.ThrowsExactly<ExportException>(() => ModelExporter.Export(run, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, summaryPath);
        StringAssert.Contains(e.Message, "max_length");
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));
    }

    [TestMethod]
    public void CheckpointOfOtherShapesWritesNothing()
    {
        var run = s_fixture.MakeRun(seed: 6);
        var tensors = s_fixture.RandomTensors(6, 0.1);
        tensors["head.bias"] = SafeTensor.Create<float>([1f, 2f, 3f], 3);
        Checkpoint.Save(Path.Combine(run, "checkpoint-best"), new CheckpointData { Tensors = tensors });
        var output = s_fixture.NewFolder("out");
        var e = Assert.ThrowsExactly<CheckpointException>(() => ModelExporter.Export(run, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, "head.bias");
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));
    }

    [TestMethod]
    public void DivergedWeightsAreRefused()
    {
        var run = s_fixture.MakeRun(seed: 8);
        var tensors = s_fixture.RandomTensors(8, 0.1);
        tensors["head.bias"] = SafeTensor.Create<float>([float.NaN, 1f], 2);
        Checkpoint.Save(Path.Combine(run, "checkpoint-best"), new CheckpointData { Tensors = tensors });
        var output = s_fixture.NewFolder("out");
        var e = Assert.ThrowsExactly<CheckpointException>(() => ModelExporter.Export(run, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, "tensor 'head.bias' holds NaN or infinite values (the run diverged)");
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));
    }

    [TestMethod]
    public void CheckpointOfOtherArtifactsWritesNothing()
    {
        var run = s_fixture.MakeRun(seed: 7);
        Checkpoint.Save(Path.Combine(run, "checkpoint-best"), new CheckpointData
        {
            Tensors = s_fixture.RandomTensors(7, 0.1),
            State = new CheckpointState { Extra = new Dictionary<string, string> { ["options_hash"] = new string('a', 64) } },
        });
        var output = s_fixture.NewFolder("out");
        var e = Assert.ThrowsExactly<CheckpointException>(() => ModelExporter.Export(run, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, "options hash");
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));
    }

    [TestMethod]
    public void WrongBaseWritesNothing()
    {
        var run = s_fixture.MakeRun(seed: 8);
        var exported = ModelExporter.Export(run, Path.Combine(s_fixture.NewFolder("export"), "model.onnx"));
        var output = s_fixture.NewFolder("out");
        var otherBase = RepoPaths.Graphs("bert-mini-uncased", "model_opset14.onnx");
        var e = Assert.ThrowsExactly<ExportException>(() => ModelExporter.Attach(otherBase, exported.AdapterPath!, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, "SHA-256");
        StringAssert.Contains(e.Message, s_fixture.Manifest.BaseModelSha256);
        Assert.IsEmpty(Directory.GetFileSystemEntries(output));
    }

    [TestMethod]
    public void CorruptAdapterFileWritesNothing()
    {
        var output = s_fixture.NewFolder("out");
        var adapter = Path.Combine(output, "broken.adapter.safetensors");
        File.WriteAllBytes(adapter, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var e = Assert.ThrowsExactly<ExportException>(() => ModelExporter.Attach(ExportFixture.BaseModel, adapter, Path.Combine(output, "model.onnx")));
        StringAssert.Contains(e.Message, adapter);
        CollectionAssert.AreEqual(new[] { adapter }, Directory.GetFileSystemEntries(output));
    }
}
