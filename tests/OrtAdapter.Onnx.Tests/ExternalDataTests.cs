using OrtAdapter.Onnx;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class ExternalDataTests
{
    [TestMethod]
    public void SavedWithExternalData_ReloadsAndRunsIdentically()
    {
        var original = TestFiles.BertMini(17);
        var model = ModelFile.Load(original);
        using var dir = TestFiles.Scratch();
        var path = dir.File("model.onnx");
        ModelFile.Save(model, path, new SaveOptions { ExternalDataFileName = "model.onnx.data" });

        var data = new FileInfo(dir.File("model.onnx.data"));
        Assert.IsTrue(data.Exists);
        Assert.IsGreaterThan(20L << 20, data.Length, "the weights moved out");
        Assert.IsLessThan(1L << 20, new FileInfo(path).Length, "the graph file kept only small tensors");

        var withoutData = ModelFile.Load(path, loadExternalData: false);
        Assert.IsTrue(withoutData.Graph.Initializer.Any(ExternalData.IsExternal));
        Assert.IsTrue(withoutData.Graph.Initializer.Where(t => !ExternalData.IsExternal(t)).All(t => TensorData.ByteSize(t) < 1024));

        var reloaded = ModelFile.Load(path);
        Assert.IsFalse(reloaded.Graph.Initializer.Any(ExternalData.IsExternal));
        Assert.AreEqual(model, reloaded, "external data reads back every tensor byte");

        using var batch = Ort.BertBatch();
        var expected = Ort.Run(original, batch);
        Ort.AssertBitIdentical(expected, Ort.Run(path, batch));      // ORT reads the external file itself
        Ort.AssertBitIdentical(expected, Ort.Run(reloaded, batch));  // our loader inlined it
    }

    [TestMethod]
    public void ExternalData_IsAlignedAndDeterministic()
    {
        var model = TestFiles.Model(TestFiles.BertMini(14));
        using var dir = TestFiles.Scratch();
        var options = new SaveOptions { ExternalDataFileName = "w.bin", ExternalDataThresholdBytes = 4096 };
        ModelFile.Save(model, dir.File("a.onnx"), options);
        var firstGraph = File.ReadAllBytes(dir.File("a.onnx"));
        var firstData = File.ReadAllBytes(dir.File("w.bin"));
        ModelFile.Save(model, dir.File("a.onnx"), options);

        CollectionAssert.AreEqual(firstGraph, File.ReadAllBytes(dir.File("a.onnx")));
        CollectionAssert.AreEqual(firstData, File.ReadAllBytes(dir.File("w.bin")));
        var offsets = ModelFile.Load(dir.File("a.onnx"), loadExternalData: false).Graph.Initializer
            .Where(ExternalData.IsExternal)
            .Select(t => long.Parse(t.ExternalData.Single(e => e.Key == "offset").Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.IsNotEmpty(offsets);
        Assert.IsTrue(offsets.All(o => o % 64 == 0), "offsets aligned to 64 bytes");
        Assert.IsFalse(model.Graph.Initializer.Any(ExternalData.IsExternal), "Save does not modify the caller's model");
    }
}
