using OrtAdapter.Bench.Encoders;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Encoders;

[TestClass]
public sealed class BenchEncoderTests
{
    readonly List<string> _dirs = [];

    /// <summary>Each generated model is 56 MB: do not leave them in the temp folder.</summary>
    [TestCleanup]
    public void DeleteTempDirs()
    {
        foreach (var dir in _dirs) Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public void PrefersTheSharedFile()
    {
        var shared = TempDir();
        var path = Path.Combine(shared, BenchEncoder.Name, BenchEncoder.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "stand-in");
        Assert.AreEqual(Path.GetFullPath(path), BenchEncoder.Resolve(shared, TempDir()));
    }

    [TestMethod]
    public void GeneratesTheBenchShapeOnceWhenNoSharedFile()
    {
        var cache = TempDir();
        var path = BenchEncoder.Resolve(Path.Combine(cache, "no-such-folder"), cache);
        Assert.AreEqual(Path.GetFullPath(Path.Combine(cache, BenchEncoder.Name, BenchEncoder.FileName)), path);
        var written = File.GetLastWriteTimeUtc(path);
        Assert.AreEqual(path, BenchEncoder.Resolve(null, cache));
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(path), "the cached model is reused");

        var report = ModelReport.Create(ModelFile.Load(path));
        Assert.AreEqual("float[batch_size, sequence_length, 384]", report.Outputs[0].FormatType());
        Assert.AreEqual("float[batch_size, 384]", report.Outputs[1].FormatType());
        CollectionAssert.AreEqual(ModelFile.ToBytes(SyntheticEncoder.Create()), File.ReadAllBytes(path));
    }

    [TestMethod]
    public void RegeneratesWhenTheStampIsMissing()
    {
        var cache = TempDir();
        var path = BenchEncoder.Resolve(null, cache);
        File.WriteAllText(path, "truncated");
        File.Delete(path + ".options");
        Assert.AreEqual(path, BenchEncoder.Resolve(null, cache));
        Assert.AreEqual(384, ModelFile.Load(path).Graph.Output[1].Type.TensorType.Shape.Dim[1].DimValue);
    }

    string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ortadapter-bench-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _dirs.Add(dir);
        return dir;
    }
}
