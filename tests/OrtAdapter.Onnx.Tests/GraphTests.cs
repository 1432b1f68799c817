using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class GraphTests
{
    static NodeProto Node(string name, string op, string[] inputs, params string[] outputs)
    {
        var n = new NodeProto { Name = name, OpType = op };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        return n;
    }

    [TestMethod]
    public void TopologicalSort_OrdersProducersFirst_AndKeepsFileOrderForTies()
    {
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2);
        // File order: d (needs c), a, c (needs a and b), b, e (independent). The lowest file index that is ready
        // goes next: a(1), b(3) [c still waits], then c(2) and d(0) before e(4).
        g.AddNode(Node("d", "Relu", ["c"], "d"));
        g.AddNode(Node("a", "Neg", ["X"], "a"));
        g.AddNode(Node("c", "Add", ["a", "b"], "c"));
        g.AddNode(Node("b", "Abs", ["X"], "b"));
        g.AddNode(Node("e", "Exp", ["X"], "e"));
        SmallGraphs.Output(g, "d", 2);
        SmallGraphs.Output(g, "e", 2);

        g.TopologicalSort();
        var order = g.Nodes.Select(n => n.Name).ToArray();
        CollectionAssert.AreEqual(new[] { "a", "b", "c", "d", "e" }, order);

        g.TopologicalSort();
        CollectionAssert.AreEqual(order, g.Nodes.Select(n => n.Name).ToArray(), "sorting a sorted graph changes nothing");
        Assert.IsEmpty(GraphValidator.Check(g));
    }

    [TestMethod]
    public void TopologicalSort_KeepsIndependentNodesInFileOrder()
    {
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2);
        var names = new[] { "n5", "n3", "n9", "n1", "n7" };
        foreach (var name in names) g.AddNode(Node(name, "Relu", ["X"], name));
        g.TopologicalSort();
        CollectionAssert.AreEqual(names, g.Nodes.Select(n => n.Name).ToArray());
    }

    [TestMethod]
    [DataRow(14)]
    [DataRow(17)]
    public void TopologicalSort_OfAnExport_IsTheFileOrder(int opset)
    {
        var g = new OnnxGraph(TestFiles.Model(TestFiles.BertMini(opset)));
        var before = g.Nodes.ToList();
        g.TopologicalSort();
        CollectionAssert.AreEqual(before, g.Nodes.ToList());
        Assert.IsEmpty(GraphValidator.Check(g));

        // Reversed, it sorts back to a valid order that is again the file order (exports are already stable).
        g.Proto.Node.Clear();
        g.Proto.Node.AddRange(Enumerable.Reverse(before));
        g.Invalidate();
        g.TopologicalSort();
        Assert.IsEmpty(GraphValidator.Check(g));
        Assert.HasCount(before.Count, g.Nodes);
    }

    [TestMethod]
    public void UniqueName_AvoidsEveryNameInUse()
    {
        var g = SmallGraphs.Empty();
        SmallGraphs.Input(g, "X", 2);
        g.AddInitializer(TensorData.FromFloats("W", [1f, 2f], 2));
        g.AddNode(Node("node", "Add", ["X", "W"], "Y"));
        SmallGraphs.Output(g, "Y", 2);

        Assert.AreEqual("fresh", g.UniqueName("fresh"));
        Assert.AreEqual("fresh_1", g.UniqueName("fresh"), "a returned name is taken");
        Assert.AreEqual("fresh_2", g.UniqueName("fresh"));
        Assert.AreEqual("X_1", g.UniqueName("X"), "graph input");
        Assert.AreEqual("W_1", g.UniqueName("W"), "initializer");
        Assert.AreEqual("node_1", g.UniqueName("node"), "node name");
        Assert.AreEqual("Y_1", g.UniqueName("Y"), "node output / graph output");
    }

    [TestMethod]
    public void OpBuilder_NamesAreUniqueAndReproducible()
    {
        static byte[] Build()
        {
            var g = SmallGraphs.Empty();
            SmallGraphs.Input(g, "X", 2, 3);
            var op = new OpBuilder(g, "block");
            var y = op.Add(op.Mul("X", op.Scalar(2, 1)), op.Scalar(2, 1));
            var z = op.ReduceSum(op.Relu(y), [1]);
            var w = op.Add(z, op.Scalar(3, 1));
            g.Proto.Output.Add(SmallGraphs.Value(w, TensorProto.Types.DataType.Float, 2, 1));
            g.CleanupAndSort();
            Assert.IsEmpty(GraphValidator.Check(g));
            var names = g.Nodes.SelectMany(n => n.Output.Append(n.Name)).Concat(g.Initializers.Select(t => t.Name)).ToList();
            Assert.HasCount(names.Distinct().Count(), names, "no name used twice");
            Assert.AreEqual(2, g.Initializers.Count(t => t.DataType == 1), "equal constants are shared");
            return ModelFile.ToBytes(g.Model);
        }

        CollectionAssert.AreEqual(Build(), Build(), "two builds are byte-identical");
    }

    [TestMethod]
    public void Index_TracksProducersAndConsumers()
    {
        var g = new OnnxGraph(TestFiles.Model(TestFiles.BertMini(17)));
        Assert.IsTrue(g.IsGraphInput("input_ids"));
        Assert.IsFalse(g.IsGraphInput("last_hidden_state"));
        Assert.IsNull(g.Producer("input_ids"));
        Assert.IsNotEmpty(g.Consumers("input_ids"));
        Assert.AreEqual(OpTypes.LayerNormalization, g.Producer("last_hidden_state")!.OpType);
        Assert.AreEqual(17, g.OpsetVersion());
        Assert.AreEqual(17, g.OpsetVersion("ai.onnx"));
        Assert.AreEqual(0, g.OpsetVersion("com.microsoft"));
        g.SetOpsetVersion("com.example", 1);
        Assert.AreEqual(1, g.OpsetVersion("com.example"));
        Assert.IsNotNull(g.Initializer("embeddings.word_embeddings.weight"));
    }
}
