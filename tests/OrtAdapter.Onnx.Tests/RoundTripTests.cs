using Google.Protobuf;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class RoundTripTests
{
    const int UnknownFieldNumber = 999;

    [TestMethod]
    [DataRow(14)]
    [DataRow(17)]
    public void LoadSave_BertMini_RunsBitIdentical(int opset)
    {
        using var dir = TestFiles.Scratch();
        var original = TestFiles.BertMini(opset);
        var saved = dir.File("copy.onnx");
        ModelFile.Save(ModelFile.Load(original), saved);

        using var batch = Ort.BertBatch();
        var expected = Ort.Run(original, batch);
        var actual = Ort.Run(saved, batch);

        Assert.HasCount(2, expected);
        Assert.HasCount(2 * 8 * 256, expected["last_hidden_state"]);
        Ort.AssertBitIdentical(expected, actual);
        Assert.IsTrue(expected["last_hidden_state"].All(float.IsFinite));
    }

    [TestMethod]
    public void LoadSave_KeepsTheModelsContent()
    {
        var original = TestFiles.Model(TestFiles.BertMini(17));
        using var dir = TestFiles.Scratch();
        ModelFile.Save(original, dir.File("copy.onnx"));
        var reloaded = ModelFile.Load(dir.File("copy.onnx"));
        Assert.AreEqual(original, reloaded, "protobuf equality (every field, every tensor byte)");
    }

    [TestMethod]
    public void UnknownFields_SurviveLoadAndSave()
    {
        // Field 999 (varint 42) on ModelProto, field 998 (bytes) on GraphProto: numbers no IR version uses.
        var model = TestFiles.Model(TestFiles.BertMini(17));
        var graphBytes = Concat(model.Graph.ToByteArray(), Tag(UnknownFieldNumber - 1, WireFormat.WireType.LengthDelimited), [3, (byte)'a', (byte)'b', (byte)'c']);
        model.Graph = GraphProto.Parser.ParseFrom(graphBytes);
        var bytes = Concat(model.ToByteArray(), Tag(UnknownFieldNumber, WireFormat.WireType.Varint), [42]);

        using var dir = TestFiles.Scratch();
        var input = dir.File("unknown.onnx");
        File.WriteAllBytes(input, bytes);
        var output = dir.File("saved.onnx");
        ModelFile.Save(ModelFile.Load(input), output);

        var saved = File.ReadAllBytes(output);
        Assert.AreEqual(42L, ReadTopLevelVarint(saved, UnknownFieldNumber), "ModelProto field 999");
        var savedGraph = ModelFile.Parse(saved).Graph.ToByteArray();
        CollectionAssert.AreEqual("abc"u8.ToArray(), ReadTopLevelBytes(savedGraph, UnknownFieldNumber - 1), "GraphProto field 998");
    }

    [TestMethod]
    public void MetadataProps_SurviveLoadAndSave()
    {
        var model = TestFiles.Model(TestFiles.BertMini(14));
        model.MetadataProps.Add(new StringStringEntryProto { Key = "ortadapter.base", Value = "bert-mini-uncased" });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "note", Value = "ünïcödé ✓" });
        model.Graph.MetadataProps.Add(new StringStringEntryProto { Key = "graph.key", Value = "graph value" });
        using var dir = TestFiles.Scratch();
        ModelFile.Save(model, dir.File("meta.onnx"));

        var reloaded = ModelFile.Load(dir.File("meta.onnx"));
        CollectionAssert.AreEqual(
            new[] { "ortadapter.base=bert-mini-uncased", "note=ünïcödé ✓" },
            reloaded.MetadataProps.Select(p => $"{p.Key}={p.Value}").ToArray());
        Assert.AreEqual("graph value", reloaded.Graph.MetadataProps.Single().Value);
    }

    [TestMethod]
    public void Save_IsDeterministic()
    {
        var model = ModelFile.Load(TestFiles.BertMini(17));
        using var dir = TestFiles.Scratch();
        ModelFile.Save(model, dir.File("a.onnx"));
        ModelFile.Save(model, dir.File("b.onnx"));
        ModelFile.Save(ModelFile.Load(dir.File("a.onnx")), dir.File("c.onnx"));
        var a = File.ReadAllBytes(dir.File("a.onnx"));
        CollectionAssert.AreEqual(a, File.ReadAllBytes(dir.File("b.onnx")), "two saves of one model");
        CollectionAssert.AreEqual(a, File.ReadAllBytes(dir.File("c.onnx")), "save of a reloaded save");
    }

    [TestMethod]
    public void Save_DoesNotLeaveTemporaryFiles()
    {
        using var dir = TestFiles.Scratch();
        ModelFile.Save(TestFiles.Model(TestFiles.BertMini(17)), dir.File("m.onnx"), new SaveOptions { ExternalDataFileName = "m.data" });
        CollectionAssert.AreEquivalent(new[] { "m.data", "m.onnx" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).ToArray());
    }

    static byte[] Tag(int field, WireFormat.WireType type)
    {
        using var ms = new MemoryStream();
        var output = new CodedOutputStream(ms);
        output.WriteTag(field, type);
        output.Flush();
        return ms.ToArray();
    }

    static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    static long? ReadTopLevelVarint(byte[] message, int field)
    {
        var input = new CodedInputStream(message);
        long? found = null;
        for (uint tag; (tag = input.ReadTag()) != 0;)
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint) found = input.ReadInt64();
            else input.SkipLastField();
        return found;
    }

    static byte[]? ReadTopLevelBytes(byte[] message, int field)
    {
        var input = new CodedInputStream(message);
        byte[]? found = null;
        for (uint tag; (tag = input.ReadTag()) != 0;)
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited) found = input.ReadBytes().ToByteArray();
            else input.SkipLastField();
        return found;
    }
}
