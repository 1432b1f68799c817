using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Tests.Artifacts;
using OrtAdapter.Build.Tests.Checkpoints;
using OrtAdapter.Build.Tests.Export;
using OrtAdapter.Onnx;
using OrtAdapter.Tests.Shared;

namespace OrtAdapter.Build.Tests.Robustness;

/// <summary>
/// Damaged copies of every file the build and export stages read (an ONNX model with external data, safetensors,
/// checkpoint state, manifest, adapter file) give their clear error or still parse: 300 cases each.
/// </summary>
[TestClass]
public sealed class CorruptFileTests
{
    [TestMethod]
    public void OnnxModelWithExternalData()
    {
        using var temp = new TempFolder();
        var model = ModelFile.Load(TinyEncoder.Write(temp["base"]));
        var path = Path.Combine(temp["external"], "model.onnx");
        ModelFile.Save(model, path, new SaveOptions { ExternalDataFileName = "model.onnx.data", ExternalDataThresholdBytes = 256 });
        var data = File.ReadAllBytes(path + ".data");
        // The damaged model is read beside an intact copy of its data file.
        Corruption.Check(File.ReadAllBytes(path), "model.onnx", p =>
        {
            File.WriteAllBytes(p + ".data", data);
            ModelFile.Load(p);
        }, [typeof(OnnxFormatException)]);
    }

    [TestMethod]
    public void SafeTensorsFile()
    {
        using var temp = new TempFolder();
        Checkpoint.Save(temp["ckpt"], CheckpointTests.Data());
        Corruption.Check(File.ReadAllBytes(Path.Combine(temp["ckpt"], Checkpoint.WeightsFile)), "weights.safetensors",
            p => SafeTensors.Read(p), [typeof(SafeTensorsException)]);
    }

    [TestMethod]
    public void CheckpointState()
    {
        using var temp = new TempFolder();
        Checkpoint.Save(temp["ckpt"], CheckpointTests.Data());
        var weights = File.ReadAllBytes(Path.Combine(temp["ckpt"], Checkpoint.WeightsFile));
        Corruption.Check(File.ReadAllBytes(Path.Combine(temp["ckpt"], Checkpoint.StateFile)), Checkpoint.StateFile, p =>
        {
            File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(p)!, Checkpoint.WeightsFile), weights);
            Checkpoint.Load(Path.GetDirectoryName(p)!);
        }, [typeof(CheckpointException), typeof(SafeTensorsException)]);
    }

    [TestMethod]
    public void ArtifactsManifest()
    {
        var manifest = File.ReadAllBytes(RepoPaths.Graphs("bert-mini-uncased", "default", ArtifactManifest.FileName));
        Corruption.Check(manifest, ArtifactManifest.FileName, p => ArtifactManifest.Load(Path.GetDirectoryName(p)!), [typeof(OnnxFormatException)]);
    }

    [TestMethod]
    public void AdapterOnlyFile()
    {
        using var fixture = new ExportFixture(ArtifactRecipe.Default);
        var exported = ModelExporter.Export(fixture.MakeRun(seed: 1), Path.Combine(fixture.NewFolder("out"), "model.onnx"));
        Corruption.Check(File.ReadAllBytes(exported.AdapterPath!), "model.adapter.safetensors", p => OrtAdapter.Build.Export.AdapterFile.Read(p), [typeof(ExportException)]);
    }
}
