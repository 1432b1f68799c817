using System.Text.Json.Nodes;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Export;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>Export never replaces a file unless asked, cleans up after killed exports, and follows a moved run.</summary>
[TestClass]
public sealed class ExportSafetyTests
{
    static ExportFixture s_fixture = null!;

    [ClassInitialize]
    public static void Build(TestContext _) => s_fixture = new ExportFixture(ArtifactRecipe.Default);

    [ClassCleanup]
    public static void Delete() => s_fixture?.Dispose();

    [TestMethod]
    public void AnExistingModelIsReplacedOnlyWithOverwrite()
    {
        var output = Path.Combine(s_fixture.NewFolder("out"), "model.onnx");
        var first = ModelExporter.Export(s_fixture.MakeRun(seed: 21), output);
        var model = File.ReadAllBytes(first.ModelPath);
        var adapter = File.ReadAllBytes(first.AdapterPath!);

        var other = s_fixture.MakeRun(seed: 22);
        var e = Assert.ThrowsExactly<ExportException>(() => ModelExporter.Export(other, output));
        StringAssert.Contains(e.Message, "already exists: give --overwrite");
        CollectionAssert.AreEqual(model, File.ReadAllBytes(first.ModelPath));
        CollectionAssert.AreEqual(adapter, File.ReadAllBytes(first.AdapterPath!));

        var second = ModelExporter.Export(other, output, new ExportOptions { Overwrite = true });
        CollectionAssert.AreNotEqual(model, File.ReadAllBytes(second.ModelPath));
        CollectionAssert.AreNotEqual(adapter, File.ReadAllBytes(second.AdapterPath!));
    }

    [TestMethod]
    public void TempFilesOfAKilledExportAreRemovedByTheNext()
    {
        var folder = s_fixture.NewFolder("out");
        var dead = Path.Combine(folder, $"model.onnx.tmp-{int.MaxValue}-0123456789abcdef");
        var deadAdapter = Path.Combine(folder, $"model.adapter.safetensors.tmp-{int.MaxValue}-0123456789abcdef");
        var live = Path.Combine(folder, $"model.onnx.tmp-{Environment.ProcessId}-fedcba9876543210");
        foreach (var f in new[] { dead, deadAdapter, live }) File.WriteAllBytes(f, [1, 2, 3]);

        ModelExporter.Export(s_fixture.MakeRun(seed: 23), Path.Combine(folder, "model.onnx"));

        CollectionAssert.AreEquivalent(
            new[] { "model.onnx", "model.adapter.safetensors", Path.GetFileName(live) },
            Directory.GetFiles(folder).Select(Path.GetFileName).ToArray(),
            "the dead process's temp files are gone, a running one's stay, and no new one is left");
    }

    [TestMethod]
    public void ARunMovedAwayFromItsArtifactsStillExports()
    {
        var run = s_fixture.MakeRun(seed: 24);
        var summaryPath = Path.Combine(run, ExportSource.SummaryFile);
        var summary = JsonNode.Parse(File.ReadAllText(summaryPath))!;
        summary[ExportSource.ArtifactsFullPathField] = s_fixture.Artifacts;
        File.WriteAllText(summaryPath, summary.ToJsonString());
        var moved = Path.Combine(s_fixture.NewFolder("elsewhere"), "deeper", "run");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(run, moved);

        var result = ModelExporter.Export(moved, Path.Combine(s_fixture.NewFolder("out"), "model.onnx"));
        Assert.IsTrue(File.Exists(result.ModelPath));

        summary[ExportSource.ArtifactsFullPathField] = Path.Combine(s_fixture.Root, "gone");
        File.WriteAllText(Path.Combine(moved, ExportSource.SummaryFile), summary.ToJsonString());
        var e = Assert.ThrowsExactly<ExportException>(() => ModelExporter.Export(moved, Path.Combine(s_fixture.NewFolder("out"), "model.onnx")));
        StringAssert.Contains(e.Message, "is gone; give the artifacts folder it was trained with (--artifacts)");
    }
}
