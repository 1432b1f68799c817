using OrtAdapter.Onnx;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class ShapeInferenceTests
{
    [TestMethod]
    public void BertMini17_LastHiddenState_IsBatchBySequenceBy256()
    {
        var g = new OnnxGraph(TestFiles.Model(TestFiles.BertMini(17)));
        var types = ShapeInference.Infer(g);

        var hidden = types["last_hidden_state"];
        Assert.AreEqual((int)DataType.Float, hidden.ElemType);
        CollectionAssert.AreEqual(new[] { Dim.Named("batch_size"), Dim.Named("sequence_length"), Dim.Of(256) }, hidden.Shape!.ToArray());
        Assert.AreEqual("float[batch_size, sequence_length, 256]", hidden.ToString());
        CollectionAssert.AreEqual(new[] { Dim.Named("batch_size"), Dim.Of(256) }, types["pooler_output"].Shape!.ToArray());
    }

    [TestMethod]
    public void BertMini17_WithoutDeclaredOutputs_DerivesTypesThroughTheGraph()
    {
        var g = new OnnxGraph(TestFiles.Model(TestFiles.BertMini(17)));
        foreach (var o in g.Proto.Output) o.Type = null;
        g.Proto.ValueInfo.Clear();
        var types = ShapeInference.Infer(g);

        // Every node output gets at least an element type.
        foreach (var node in g.Nodes)
            foreach (var output in node.Output)
                Assert.IsTrue(types.TryGetValue(output, out var t) && t.ElemType != 0, $"{node.Name} ({node.OpType}) -> {output}");

        // The word-embedding lookup keeps the symbolic dims of input_ids.
        var lookup = g.Consumers("input_ids").Single(n => n.OpType == OpTypes.Gather);
        CollectionAssert.AreEqual(new[] { Dim.Named("batch_size"), Dim.Named("sequence_length"), Dim.Of(256) }, types[lookup.Output[0]].Shape!.ToArray());

        var hidden = types["last_hidden_state"];
        Assert.AreEqual((int)DataType.Float, hidden.ElemType);
        Assert.AreEqual(3, hidden.Rank);
        Assert.AreEqual(Dim.Of(256), hidden.Shape![2]);
        var pooled = types["pooler_output"];
        Assert.AreEqual(2, pooled.Rank);
        Assert.AreEqual(Dim.Of(256), pooled.Shape![1]);
    }

    [TestMethod]
    public void BertMini17_ADeclaredPlaceholderDimGivesWayToTheDerivedSize()
    {
        // all-MiniLM-L6-v2's export declares float[batch, sequence, Addlast_hidden_state_dim_2] where the size is 384.
        var g = new OnnxGraph(TestFiles.Model(TestFiles.BertMini(17)));
        var output = g.Proto.Output.Single(o => o.Name == "last_hidden_state");
        output.Type = new TensorType((int)DataType.Float, [Dim.Named("batch_size"), Dim.Named("sequence_length"), Dim.Named("Addlast_hidden_state_dim_2")]).ToTypeProto();
        Assert.AreEqual("float[batch_size, sequence_length, 256]", ShapeInference.Infer(g)["last_hidden_state"].ToString());

        // A declared size that contradicts the derived one is a fault of the model, named.
        output.Type = new TensorType((int)DataType.Float, [Dim.Named("batch_size"), Dim.Named("sequence_length"), Dim.Of(384)]).ToTypeProto();
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => ShapeInference.Infer(g));
        StringAssert.Contains(e.Message, "'last_hidden_state' is declared with dim 2 = 384 but its producer gives 256");
    }

    [TestMethod]
    [DataRow("Add", 0L)]
    [DataRow("Sub", 0L)]
    [DataRow("Mul", 1L)]
    [DataRow("Div", 1L)]
    public void SymbolicSizesSurviveArithmeticIdentities(string op, long neutral)
    {
        // Hugging Face exports slice position ids up to Shape(input_ids)[1] + past_key_values_length, a constant 0.
        var g = SmallGraphs.Empty();
        g.Proto.Input.Add(new Protobuf.ValueInfoProto { Name = "ids", Type = new TensorType((int)DataType.Int64, [Dim.Named("b"), Dim.Named("s")]).ToTypeProto() });
        g.AddInitializer(TensorData.FromFloats("table", new float[512 * 4], 512, 4));
        var b = new OpBuilder(g, "t");
        var length = b.Op(op, [b.Gather(b.Shape("ids"), b.Int(1)), b.Int(neutral)]);
        var positions = b.Slice("table", b.Ints(0), b.Unsqueeze(length, 0), b.Ints(0));
        g.Proto.Output.Add(new Protobuf.ValueInfoProto { Name = positions });
        Assert.AreEqual("float[s, 4]", ShapeInference.Infer(g)[positions].ToString());
    }

    [TestMethod]
    public void SmallGraph_BroadcastMatMulReduce()
    {
        var g = SmallGraphs.Empty();
        g.Proto.Input.Add(new Protobuf.ValueInfoProto
        {
            Name = "X",
            Type = new TensorType((int)DataType.Float, [Dim.Named("b"), Dim.Of(4), Dim.Of(3)]).ToTypeProto(),
        });
        g.AddInitializer(TensorData.FromFloats("W", new float[15], 3, 5));
        g.AddInitializer(TensorData.FromFloats("bias", new float[5], 5));
        var op = new OpBuilder(g, "s");
        var y = op.Add(op.MatMul("X", "W"), "bias");
        var r = op.ReduceSum(y, [1], keepDims: false);
        var t = op.Transpose(y, 2, 0, 1);
        var types = ShapeInference.Infer(g);

        Assert.AreEqual("float[b, 4, 5]", types[y].ToString());
        Assert.AreEqual("float[b, 5]", types[r].ToString());
        Assert.AreEqual("float[5, b, 4]", types[t].ToString());
    }

    [TestMethod]
    public void FlattenOfSymbolicDimsNamesTheirProduct()
    {
        var g = SmallGraphs.Empty();
        g.Proto.Input.Add(new Protobuf.ValueInfoProto
        {
            Name = "X",
            Type = new TensorType((int)DataType.Float, [Dim.Named("batch"), Dim.Named("seq"), Dim.Of(4), Dim.Of(3)]).ToTypeProto(),
        });
        var op = new OpBuilder(g, "s");
        var rows = op.Op(OpTypes.Flatten, ["X"], Attr.Int("axis", 2));
        var wide = op.Op(OpTypes.Flatten, ["X"], Attr.Int("axis", 1));
        var all = op.Op(OpTypes.Flatten, ["X"], Attr.Int("axis", 4));
        var types = ShapeInference.Infer(g);

        Assert.AreEqual("float[batch*seq, 12]", types[rows].ToString());
        Assert.AreEqual("float[batch, 12*seq]", types[wide].ToString());
        Assert.AreEqual("float[12*batch*seq, 1]", types[all].ToString());
        CollectionAssert.AreEqual(new[] { "12", "batch", "seq" }, ShapeInference.ProductFactors(types[all].Shape![0].Param!));
    }

    /// <summary>
    /// Every op the set calls shape- and type-preserving is, as ONNX Runtime runs it: a [2, 3, 4] float input gives a
    /// [2, 3, 4] float output, and shape inference says so (the set is what element-wise gradient rules rely on).
    /// </summary>
    [TestMethod]
    public void ElementwiseUnaryOpsKeepShapeAndTypeInOnnxRuntime()
    {
        foreach (var op in ShapeInference.ElementwiseUnary)
        {
            var g = SmallGraphs.Empty(opset: 20);
            SmallGraphs.Input(g, "x", 2, 3, 4);
            var b = new OpBuilder(g, "t");
            // CumSum reads its axis as a second input.
            var y = b.Op(op, op == OpTypes.CumSum ? ["x", b.Constant(TensorData.Scalar("", 1L))] : ["x"]);
            g.Proto.Output.Add(new Protobuf.ValueInfoProto { Name = y });

            var inferred = ShapeInference.Infer(g)[y];
            Assert.AreEqual("float[2, 3, 4]", inferred.ToString(), op);
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(ModelFile.ToBytes(g.Model));
            using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(SmallGraphs.Ramp(24), [2, 3, 4]);
            using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
            using var outputs = session.Run(runOptions, ["x"], [input], [y]);
            var info = outputs[0].GetTensorTypeAndShape();
            CollectionAssert.AreEqual(new long[] { 2, 3, 4 }, info.Shape, op);
            Assert.AreEqual(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, info.ElementDataType, op);
        }
    }
}
