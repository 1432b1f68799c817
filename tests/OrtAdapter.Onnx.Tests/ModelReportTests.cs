using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class ModelReportTests
{
    [TestMethod]
    public void BertMini17_Report()
    {
        var model = TestFiles.Model(TestFiles.BertMini(17));
        var report = ModelReport.Create(model, "bert.onnx");

        Assert.AreEqual("bert.onnx", report.Source);
        Assert.AreEqual(model.IrVersion, report.IrVersion);
        Assert.IsGreaterThan(0L, report.IrVersion);
        Assert.AreEqual(model.ProducerName, report.ProducerName);
        CollectionAssert.AreEqual(new[] { new OpsetReport("ai.onnx", 17) }, report.Opsets.ToArray());

        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask", "token_type_ids" }, report.Inputs.Select(i => i.Name).ToArray());
        foreach (var input in report.Inputs) Assert.AreEqual("int64[batch_size, sequence_length]", input.FormatType());
        CollectionAssert.AreEqual(new[] { "last_hidden_state", "pooler_output" }, report.Outputs.Select(i => i.Name).ToArray());
        Assert.AreEqual("float[batch_size, sequence_length, 256]", report.Outputs[0].FormatType());
        CollectionAssert.AreEqual(new[] { "batch_size", "256" }, report.Outputs[1].Shape!.ToArray());

        Assert.AreEqual(model.Graph.Node.Count, report.NodeCount);
        Assert.AreEqual(report.NodeCount, report.OpHistogram.Sum(o => o.Count));
        Assert.AreEqual(9, report.OpHistogram.Single(o => o.OpType == OpTypes.LayerNormalization).Count, "embeddings + 2 per layer x 4");
        Assert.AreEqual(4, report.OpHistogram.Single(o => o.OpType == OpTypes.Softmax).Count);
        var counts = report.OpHistogram.Select(o => o.Count).ToList();
        CollectionAssert.AreEqual(counts.OrderByDescending(c => c).ToList(), counts, "most frequent first");

        Assert.AreEqual(model.Graph.Initializer.Count, report.InitializerCount);
        Assert.AreEqual(model.Graph.Initializer.Sum(t => TensorData.ElementCount(t.Dims)), report.ParameterCount);
        Assert.AreEqual(model.Graph.Initializer.Sum(t => (long)TensorData.RawBytes(t).Length), report.ParameterBytes);
        Assert.AreEqual(0L, report.ExternalBytes);

        Assert.HasCount(ModelReport.LargestCount, report.LargestInitializers);
        var word = report.LargestInitializers[0];
        Assert.AreEqual("embeddings.word_embeddings.weight", word.Name);
        CollectionAssert.AreEqual(new long[] { 8010, 256 }, word.Dims.ToArray());
        Assert.AreEqual(8010L * 256 * 4, word.Bytes);
        Assert.AreEqual("[8010, 256]", word.FormatDims());
        var sizes = report.LargestInitializers.Select(t => t.Bytes).ToList();
        CollectionAssert.AreEqual(sizes.OrderByDescending(s => s).ToList(), sizes);
        var smallestListed = sizes[^1];
        Assert.IsTrue(model.Graph.Initializer.Count(t => TensorData.ByteSize(t) > smallestListed) < ModelReport.LargestCount);
    }

    [TestMethod]
    public void DistilBertStyle_HasTwoInputsAndDecomposedLayerNorm()
    {
        var r = ModelReport.Create(TestFiles.Model(TestFiles.DistilBert));
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask" }, r.Inputs.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { new OpsetReport("ai.onnx", 14) }, r.Opsets.ToArray());
        Assert.IsFalse(r.OpHistogram.Any(o => o.OpType == OpTypes.LayerNormalization), "opset 14 has no LayerNormalization op");
        Assert.IsTrue(r.OpHistogram.Any(o => o.OpType == OpTypes.ReduceMean));
    }

    [TestMethod]
    public void HandBuiltModel_ReportIsExact()
    {
        var g = SmallGraphs.Empty(opset: 14);
        g.Model.ProducerName = "tests";
        g.Model.ProducerVersion = "1.0";
        g.Model.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });
        g.SetOpsetVersion("com.microsoft", 1);
        g.Proto.Input.Add(new ValueInfoProto
        {
            Name = "X",
            Type = new TensorType((int)DataType.Float, [Dim.Named("n"), Dim.Unknown, Dim.Of(3)]).ToTypeProto(),
        });
        g.AddInitializer(TensorData.FromFloats("W", new float[6], 3, 2));
        g.AddInitializer(TensorData.FromInt64s("shape", [-1, 2], 2));
        g.AddInitializer(TensorData.FromHalfs("half", new Half[5], 5));
        g.Proto.Input.Add(new ValueInfoProto { Name = "W", Type = new TensorType((int)DataType.Float, [Dim.Of(3), Dim.Of(2)]).ToTypeProto() });
        var op = new OpBuilder(g, "m");
        var y = op.Relu(op.Reshape(op.MatMul("X", "W"), "shape"));
        g.AddNode(new NodeProto { Name = "custom", OpType = "FusedThing", Domain = "com.microsoft", Input = { y }, Output = { "Z" } });
        g.Proto.Output.Add(new ValueInfoProto { Name = "Z", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });

        var r = ModelReport.Create(g.Model);

        Assert.IsNull(r.Source);
        Assert.AreEqual("tests", r.ProducerName);
        Assert.AreEqual("1.0", r.ProducerVersion);
        CollectionAssert.AreEqual(new[] { new OpsetReport("ai.onnx", 14), new OpsetReport("com.microsoft", 1) }, r.Opsets.ToArray());
        Assert.HasCount(1, r.Inputs, "initializers listed as inputs are not model inputs");
        Assert.AreEqual("float[n, ?, 3]", r.Inputs[0].FormatType());
        Assert.AreEqual("float[?]", r.Outputs[0].FormatType(), "unknown rank");
        Assert.IsNull(r.Outputs[0].Shape);
        Assert.AreEqual(4, r.NodeCount);
        CollectionAssert.AreEqual(
            new[] { "MatMul:1", "Relu:1", "Reshape:1", "com.microsoft.FusedThing:1" },
            r.OpHistogram.Select(o => $"{o.OpType}:{o.Count}").ToArray());
        Assert.AreEqual(3, r.InitializerCount);
        Assert.AreEqual(6L + 2 + 5, r.ParameterCount);
        Assert.AreEqual(24L + 16 + 10, r.ParameterBytes);
        CollectionAssert.AreEqual(new[] { "W", "shape", "half" }, r.LargestInitializers.Select(t => t.Name).ToArray());
        Assert.AreEqual("float16", r.LargestInitializers[2].ElementType);
        CollectionAssert.AreEqual(new[] { new KeyValuePair<string, string>("k", "v") }, r.MetadataProps.ToArray());
    }

    [TestMethod]
    public void ExternalTensors_AreMeasuredWithoutReadingThem()
    {
        using var dir = TestFiles.Scratch();
        var path = dir.File("m.onnx");
        ModelFile.Save(TestFiles.Model(TestFiles.BertMini(17)), path, new SaveOptions { ExternalDataFileName = "m.data" });
        File.Delete(dir.File("m.data"));

        var report = ModelReport.Create(ModelFile.Load(path, loadExternalData: false), path);
        var inline = ModelReport.Create(TestFiles.Model(TestFiles.BertMini(17)));
        Assert.AreEqual(inline.ParameterBytes, report.ParameterBytes);
        Assert.AreEqual(inline.ParameterCount, report.ParameterCount);
        Assert.IsGreaterThan(20L << 20, report.ExternalBytes);
        Assert.IsTrue(report.LargestInitializers.All(t => t.External));
    }

    [TestMethod]
    public void Subgraphs_AreCounted()
    {
        var g = SmallGraphs.Empty();
        var body = new GraphProto { Name = "then" };
        body.Node.Add(new NodeProto { OpType = OpTypes.Identity, Input = { "X" }, Output = { "t" } });
        var elseBody = new GraphProto { Name = "else" };
        elseBody.Node.Add(new NodeProto { OpType = OpTypes.Neg, Input = { "X" }, Output = { "e" } });
        g.AddNode(new NodeProto
        {
            OpType = "If", Name = "if", Input = { "cond" }, Output = { "Y" },
            Attribute =
            {
                new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = body },
                new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = elseBody },
            },
        });
        var r = ModelReport.Create(g.Model);
        Assert.AreEqual(3, r.NodeCount);
        CollectionAssert.AreEqual(new[] { "Identity", "If", "Neg" }, r.OpHistogram.Select(o => o.OpType).ToArray());
    }
}
