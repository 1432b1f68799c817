using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using OrtAdapter.Testing.Checking;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

/// <summary>
/// Products whose operands outlive them are multiplied again in the backward (attention's dropped-out probabilities):
/// the gradients stay exact and the backward no longer reads the forward's product.
/// </summary>
[TestClass]
public sealed class RematerializationTests
{
    /// <summary>context = (softmax(q) ∘ mask) · v, q and v trainable, the mask fed: the shape of attention's dropout.</summary>
    static (GraphFactory F, string Loss, NodeProto Dropout) DroppedAttention()
    {
        var f = new GraphFactory();
        var p = f.B.Softmax(f.Param("q", [2, 3, 3]), -1);
        var mask = f.Input("mask", DataType.Double, 2, 3, 3);
        var dropped = f.B.Mul(p, mask);
        var context = f.B.MatMul(dropped, f.Param("v", [2, 3, 4]));
        return (f, f.WeightedSumLoss(context, [2, 3, 4]), f.Graph.Producer(dropped)!);
    }

    static readonly TensorFeed[] Mask = [TensorFeed.Of("mask", [1.25, 0, 1.25, 1.25, 1.25, 0, 0, 1.25, 1.25, 1.25, 1.25, 1.25, 0, 1.25, 1.25, 1.25, 0, 1.25], 2, 3, 3)];

    [TestMethod]
    public void TheBackwardReadsACopyOfTheProductAndTheGradientsStayExact()
    {
        var (f, loss, dropout) = DroppedAttention();
        var graph = new OnnxGraph(f.Model.Clone());
        GradientBuilder.Build(graph, loss, ["q", "v"]);

        var product = dropout.Output[0];
        var copy = graph.Nodes.Single(n => n.Name.EndsWith("/recompute", StringComparison.Ordinal));
        CollectionAssert.AreEqual(dropout.Input.Reverse().ToList(), copy.Input.ToList(), "operands swapped, so ONNX Runtime's CSE keeps the copy apart");
        var readers = graph.Nodes.Where(n => n.Input.Contains(product)).ToList();
        Assert.HasCount(1, readers, "only the forward MatMul reads the product: " + string.Join(", ", readers.Select(r => r.Name)));
        Assert.AreEqual(OpTypes.MatMul, readers[0].OpType);

        var report = GradientChecker.Check(f.Model, loss, ["q", "v"], Mask, Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    public void AOneByteMaskIsDequantizedAgainInTheBackward()
    {
        // As the dropout pass writes it: x · DequantizeLinear(mask, 1/(1-p)) with a uint8 mask, float32 values.
        var f = new GraphFactory(opset: 13, elem: DataType.Float);
        var p = f.B.Softmax(f.Param("q", [2, 3, 3]), -1);
        var mask = f.Input("mask", DataType.Uint8, 2, 3, 3);
        var dequantized = f.B.Op(OpTypes.DequantizeLinear, [mask, f.B.Scalar(1.25, (int)DataType.Float)]);
        var context = f.B.MatMul(f.B.Mul(p, dequantized), f.Param("v", [2, 3, 4]));
        var loss = f.WeightedSumLoss(context, [2, 3, 4]);
        var graph = new OnnxGraph(f.Model.Clone());
        GradientBuilder.Build(graph, loss, ["q", "v"]);

        // The forward's float mask and product are read by the forward only: neither lives until the backward.
        var forwardReaders = graph.Consumers(dequantized);
        Assert.HasCount(1, forwardReaders, string.Join(", ", forwardReaders.Select(n => n.Name)));
        var copy = graph.Nodes.Single(n => n.OpType == OpTypes.DequantizeLinear && n != graph.Producer(dequantized));
        Assert.HasCount(3, copy.Input, "the copy states the zero point, so ONNX Runtime's CSE keeps it apart");
        byte[] bytes = [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1];
        var report = GradientChecker.Check(f.Model, loss, ["q", "v"], [TensorFeed.Of("mask", bytes, 2, 3, 3)], Tolerances.Float);
        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    public void AProductOfAValueTheBackwardDoesNotKeepIsLeftAlone()
    {
        // x = q + 1 is read by nothing in the backward: copying x∘mask would keep x alive instead of the product.
        var f = new GraphFactory();
        var x = f.B.Add(f.Param("q", [2, 3]), f.B.Scalar(1, (int)DataType.Double));
        var dropped = f.B.Mul(x, f.Input("mask", DataType.Double, 2, 3));
        var loss = f.WeightedSumLoss(f.B.Mul(dropped, f.Param("w", [2, 3])), [2, 3]);
        var graph = new OnnxGraph(f.Model.Clone());
        GradientBuilder.Build(graph, loss, ["q", "w"]);
        Assert.IsFalse(graph.Nodes.Any(n => n.Name.EndsWith("/recompute", StringComparison.Ordinal)));
    }
}
