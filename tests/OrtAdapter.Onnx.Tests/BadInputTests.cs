using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class BadInputTests
{
    [TestMethod]
    public void TruncatedFile_NamesTheFileAndTruncation()
    {
        using var dir = TestFiles.Scratch();
        var bytes = TestFiles.Bytes(TestFiles.BertMini(17));
        var path = dir.File("truncated.onnx");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [TestMethod]
    public void TextFile_IsNotAnOnnxModel()
    {
        using var dir = TestFiles.Scratch();
        var path = dir.File("notes.onnx");
        File.WriteAllText(path, "These are my notes, not a model.\nSecond line.\n");

        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("ONNX model", e.Message);
        Assert.Contains("not", e.Message);
    }

    [TestMethod]
    public void RandomBytes_AlwaysGiveOneOnnxFormatException()
    {
        using var dir = TestFiles.Scratch();
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            var path = dir.File($"random{seed}.onnx");
            File.WriteAllBytes(path, bytes);

            var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path), $"seed {seed}");
            Assert.StartsWith(path, e.Message, $"seed {seed}");
            Assert.Contains("ONNX model", e.Message, $"seed {seed}");
        }
    }

    [TestMethod]
    public void InvalidUtf8InAStringField_GivesOnnxFormatExceptionOrLoads()
    {
        // producer_name (field 2) holding bytes that are not UTF-8, ahead of a valid model.
        using var dir = TestFiles.Scratch();
        var path = dir.File("utf8.onnx");
        byte[] bad = [(2 << 3) | 2, 3, 0xFF, 0xFE, 0xC3];
        File.WriteAllBytes(path, [.. bad, .. TestFiles.Bytes(TestFiles.BertMini(17))]);
        try
        {
            var model = ModelFile.Load(path);
            Assert.IsNotNull(model.Graph, "protobuf replaced the bad bytes; the model is still usable");
        }
        catch (OnnxFormatException e)
        {
            Assert.StartsWith(path, e.Message);
        }
    }

    [TestMethod]
    public void EmptyFile_IsNotAnOnnxModel()
    {
        using var dir = TestFiles.Scratch();
        var path = dir.File("empty.onnx");
        File.WriteAllBytes(path, []);
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("not an ONNX model", e.Message);
    }

    [TestMethod]
    public void MissingFile_NamesTheFile()
    {
        using var dir = TestFiles.Scratch();
        var path = dir.File("absent.onnx");
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [TestMethod]
    public void MissingExternalDataFile_NamesModelTensorAndDataFile()
    {
        using var dir = TestFiles.Scratch();
        var path = dir.File("model.onnx");
        ModelFile.Save(TestFiles.Model(TestFiles.BertMini(17)), path, new SaveOptions { ExternalDataFileName = "weights.bin" });
        File.Delete(dir.File("weights.bin"));

        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("'weights.bin'", e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.Contains("tensor '", e.Message);
        // Without external data the model still loads (its references intact).
        Assert.IsNotNull(ModelFile.Load(path, loadExternalData: false).Graph);
    }

    [TestMethod]
    public void ShortExternalDataFile_NamesTheRangeWanted()
    {
        using var dir = TestFiles.Scratch();
        var path = dir.File("model.onnx");
        ModelFile.Save(TestFiles.Model(TestFiles.BertMini(17)), path, new SaveOptions { ExternalDataFileName = "weights.bin" });
        var data = File.ReadAllBytes(dir.File("weights.bin"));
        File.WriteAllBytes(dir.File("weights.bin"), data.AsSpan(0, data.Length / 2).ToArray());

        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("'weights.bin', which has", e.Message);
    }

    [TestMethod]
    public void ExternalDataOutsideTheModelFolder_IsRefused()
    {
        using var dir = TestFiles.Scratch();
        var model = TestFiles.Model(TestFiles.BertMini(17));
        ExternalData.PointAt(model.Graph.Initializer[0], "../../etc/passwd", 0, 4);
        var path = dir.File("escape.onnx");
        ModelFile.Save(model, path);

        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ModelFile.Load(path));
        Assert.Contains("outside the model's folder", e.Message);
    }

    [TestMethod]
    public void Cycle_NamesTheNodesOfTheCycle()
    {
        // X -> A(Add X, b_out) -> a_out -> B(Relu) -> b_out -> A : a cycle; Y = a_out.
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2);
        g.AddNode(new NodeProto { Name = "A", OpType = OpTypes.Add, Input = { "X", "b_out" }, Output = { "a_out" } });
        g.AddNode(new NodeProto { Name = "B", OpType = OpTypes.Relu, Input = { "a_out" }, Output = { "b_out" } });
        SmallGraphs.Output(g, "a_out", 2);

        var sort = Assert.ThrowsExactly<OnnxFormatException>(g.TopologicalSort);
        Assert.Contains("cycle", sort.Message);
        Assert.Contains("'A' (Add)", sort.Message);
        Assert.Contains("'B' (Relu)", sort.Message);

        var e = Assert.ThrowsExactly<OnnxFormatException>(() => GraphValidator.ThrowIfInvalid(g, "cycle.onnx"));
        Assert.StartsWith("cycle.onnx: invalid graph (1 problem(s))", e.Message);
        Assert.Contains("cycle through nodes 'A' (Add), 'B' (Relu)", e.Message);
    }

    [TestMethod]
    public void SelfLoop_IsACycle()
    {
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2);
        g.AddNode(new NodeProto { Name = "Loopy", OpType = OpTypes.Add, Input = { "X", "y" }, Output = { "y" } });
        SmallGraphs.Output(g, "y", 2);
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => GraphValidator.ThrowIfInvalid(g, "self.onnx"));
        Assert.Contains("'Loopy' (Add)", e.Message);
        Assert.Contains("cycle", e.Message);
    }

    [TestMethod]
    public void UndefinedInput_NamesTheNodeAndTheValue()
    {
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2);
        g.AddNode(new NodeProto { Name = "Adder", OpType = OpTypes.Add, Input = { "X", "ghost" }, Output = { "Y" } });
        SmallGraphs.Output(g, "Y", 2);

        var problems = GraphValidator.Check(g);
        Assert.HasCount(1, problems);
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => GraphValidator.ThrowIfInvalid(g, "undefined.onnx"));
        Assert.StartsWith("undefined.onnx: invalid graph (1 problem(s))", e.Message);
        Assert.Contains("node 'Adder' (Add) reads 'ghost', which nothing defines", e.Message);
    }

    [TestMethod]
    public void OtherStructuralFaults_AreEachNamed()
    {
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2);
        g.AddNode(new NodeProto { Name = "One", OpType = OpTypes.Relu, Input = { "X" }, Output = { "Y" } });
        g.AddNode(new NodeProto { Name = "Two", OpType = OpTypes.Neg, Input = { "X" }, Output = { "Y" } });
        g.AddNode(new NodeProto { Name = "Custom", OpType = "Foo", Domain = "com.example", Input = { "X" }, Output = { "Z" } });
        SmallGraphs.Output(g, "Y", 2);
        SmallGraphs.Output(g, "Missing", 2);

        var problems = GraphValidator.Check(g);
        Assert.HasCount(3, problems);
        Assert.Contains(p => p.Contains("'Y' is produced twice (again by node 'Two')", StringComparison.Ordinal), problems);
        Assert.Contains(p => p.Contains("node 'Custom' (Foo) uses domain 'com.example'", StringComparison.Ordinal), problems);
        Assert.Contains(p => p.Contains("graph output 'Missing' is not produced", StringComparison.Ordinal), problems);
    }
}
