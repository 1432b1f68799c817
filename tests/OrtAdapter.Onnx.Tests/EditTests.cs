using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class EditTests
{
    const float Tolerance = 1e-6f;

    /// <summary>Y = Relu(X) + B, X and B of shape [2, 3].</summary>
    static (OnnxGraph Graph, string Relu, float[] B) ReluPlusBias()
    {
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2, 3);
        var b = new[] { 0.5f, -1f, 2f, 0.25f, 3f, -0.75f };
        g.AddInitializer(TensorData.FromFloats("B", b, 2, 3));
        var op = new OpBuilder(g, "net");
        var relu = op.Relu("X");
        var y = op.Add(relu, "B");
        g.Proto.Output.Add(SmallGraphs.Value(y, TensorProto.Types.DataType.Float, 2, 3));
        return (g, relu, b);
    }

    [TestMethod]
    public void InsertOnEdge_MulByTwo_ScalesTheValueForAllReaders()
    {
        var (g, relu, b) = ReluPlusBias();
        var op = new OpBuilder(g, "scale");
        var two = op.Scalar(2, (int)TensorProto.Types.DataType.Float);
        var mul = g.InsertOnEdge(relu, v => new NodeProto { OpType = OpTypes.Mul, Name = g.UniqueName("scale/Mul"), Input = { v, two }, Output = { g.UniqueName("scale/Mul/out") } });
        g.CleanupAndSort();

        Assert.IsEmpty(GraphValidator.Check(g));
        Assert.AreSame(mul, g.Producer(mul.Output[0]));
        CollectionAssert.AreEqual(new[] { "Relu", "Mul", "Add" }, g.Nodes.Select(n => n.OpType).ToArray(), "topological order after the edit");
        CollectionAssert.AreEqual(new[] { mul }, g.Consumers(relu).ToArray(), "only the new node still reads the old value");

        var x = SmallGraphs.Ramp(6);
        using var inputs = new OrtInputs().Floats("X", x, 2, 3);
        var y = Ort.Run(g.Model, inputs).Single().Value;
        var expected = x.Select((v, i) => 2 * MathF.Max(v, 0) + b[i]).ToArray();
        CollectionAssert.AreEqual(expected, y, new FloatComparer(Tolerance));
    }

    [TestMethod]
    public void ReplaceAllUses_RewiresReaders_AndCleanupDropsTheOrphan()
    {
        // a = Neg(X), b = Abs(X), Y = Exp(a); after replacing a by b: Y = Exp(Abs(X)) and Neg is dead.
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2, 3);
        var op = new OpBuilder(g, "net");
        var a = op.Neg("X");
        var b = op.Abs("X");
        var y = op.Exp(a);
        g.Proto.Output.Add(SmallGraphs.Value(y, TensorProto.Types.DataType.Float, 2, 3));

        g.ReplaceAllUses(a, b);
        g.CleanupAndSort();

        Assert.IsEmpty(GraphValidator.Check(g));
        CollectionAssert.AreEqual(new[] { "Abs", "Exp" }, g.Nodes.Select(n => n.OpType).ToArray());
        Assert.IsEmpty(g.Consumers(a));

        var x = SmallGraphs.Ramp(6);
        using var inputs = new OrtInputs().Floats("X", x, 2, 3);
        var result = Ort.Run(g.Model, inputs)[y];
        CollectionAssert.AreEqual(x.Select(v => MathF.Exp(MathF.Abs(v))).ToArray(), result, new FloatComparer(Tolerance));
    }

    [TestMethod]
    public void RemoveSubgraph_ThenCleanup_DropsItsNodesAndInitializers()
    {
        // Y = X * W (kept), Z = Tanh(Sigmoid(X + C)) (removed by dropping the output Z).
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2, 3);
        var w = new[] { 1.5f, -2f, 0.5f, 3f, 1f, -1f };
        g.AddInitializer(TensorData.FromFloats("W", w, 2, 3));
        g.AddInitializer(TensorData.FromFloats("C", [1f, 2f, 3f], 3));
        var op = new OpBuilder(g, "net");
        var y = op.Mul("X", "W");
        var z = op.Tanh(op.Sigmoid(op.Add("X", "C")));
        g.Proto.Output.Add(SmallGraphs.Value(y, TensorProto.Types.DataType.Float, 2, 3));
        g.Proto.Output.Add(SmallGraphs.Value(z, TensorProto.Types.DataType.Float, 2, 3));
        Assert.IsEmpty(GraphValidator.Check(g));

        g.Proto.Output.RemoveAt(1);
        var (nodes, initializers) = g.Cleanup();
        g.TopologicalSort();

        Assert.AreEqual(3, nodes);
        Assert.AreEqual(1, initializers);
        Assert.IsNull(g.Initializer("C"));
        Assert.IsNotNull(g.Initializer("W"));
        Assert.IsEmpty(GraphValidator.Check(g));
        CollectionAssert.AreEqual(new[] { "Mul" }, g.Nodes.Select(n => n.OpType).ToArray());

        var x = SmallGraphs.Ramp(6);
        using var inputs = new OrtInputs().Floats("X", x, 2, 3);
        var result = Ort.Run(g.Model, inputs).Single().Value;
        CollectionAssert.AreEqual(x.Select((v, i) => v * w[i]).ToArray(), result);
    }

    [TestMethod]
    public void RemoveNode_ThenCleanup_RunsAndValidates()
    {
        // Remove Identity from X -> Identity -> Relu -> Y by rewiring its reader and removing it.
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2, 3);
        var op = new OpBuilder(g, "net");
        var id = op.Identity("X");
        var y = op.Relu(id);
        g.Proto.Output.Add(SmallGraphs.Value(y, TensorProto.Types.DataType.Float, 2, 3));

        var identity = g.Producer(id)!;
        g.ReplaceAllUses(id, "X");
        g.RemoveNode(identity);
        g.CleanupAndSort();

        Assert.IsEmpty(GraphValidator.Check(g));
        Assert.IsNull(g.Producer(id));
        var x = SmallGraphs.Ramp(6);
        using var inputs = new OrtInputs().Floats("X", x, 2, 3);
        CollectionAssert.AreEqual(x.Select(v => MathF.Max(v, 0)).ToArray(), Ort.Run(g.Model, inputs).Single().Value);
    }

    [TestMethod]
    public void InsertOnEdge_OnBertMini_DoublesThePoolerPreActivation()
    {
        // pooler_output = Tanh(Gemm(...)). Expose the Gemm output, then double it on its edge into Tanh.
        var path = TestFiles.BertMini(17);
        var baseline = new OnnxGraph(TestFiles.Model(path));
        var tanh = baseline.Producer("pooler_output")!;
        Assert.AreEqual(OpTypes.Tanh, tanh.OpType);
        var preActivation = tanh.Input[0];
        baseline.Proto.Output.Add(SmallGraphs.Value(preActivation, TensorProto.Types.DataType.Float, 2, 256));
        using var batch = Ort.BertBatch();
        var before = Ort.Run(baseline.Model, batch);

        var g = new OnnxGraph(TestFiles.Model(path));
        var two = new OpBuilder(g, "edit").Scalar(2, (int)TensorProto.Types.DataType.Float);
        g.InsertOnEdge(preActivation, v => new NodeProto { OpType = OpTypes.Mul, Name = g.UniqueName("edit/Mul"), Input = { v, two }, Output = { g.UniqueName("edit/Mul/out") } });
        g.CleanupAndSort();
        Assert.IsEmpty(GraphValidator.Check(g));
        var after = Ort.Run(g.Model, batch);

        Ort.AssertBitIdentical(
            new Dictionary<string, float[]> { ["last_hidden_state"] = before["last_hidden_state"] },
            new Dictionary<string, float[]> { ["last_hidden_state"] = after["last_hidden_state"] });
        var expected = before[preActivation].Select(v => MathF.Tanh(2 * v)).ToArray();
        CollectionAssert.AreEqual(expected, after["pooler_output"], new FloatComparer(1e-5f));
        CollectionAssert.AreNotEqual(before["pooler_output"], after["pooler_output"]);
    }
}

/// <summary>Compares floats within an absolute-or-relative tolerance.</summary>
internal sealed class FloatComparer(float tolerance) : System.Collections.IComparer
{
    public int Compare(object? x, object? y)
    {
        var a = (float)x!; var b = (float)y!;
        return MathF.Abs(a - b) <= tolerance * MathF.Max(1, MathF.Max(MathF.Abs(a), MathF.Abs(b))) ? 0 : a.CompareTo(b);
    }
}
