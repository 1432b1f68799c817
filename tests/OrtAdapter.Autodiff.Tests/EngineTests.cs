using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class EngineTests
{
    [TestMethod]
    public void BroadcastAddMulGradientsMatchFiniteDifferences()
    {
        var f = new GraphFactory();
        var w = f.Param("w", [4]);
        var bias = f.Param("b", [3, 1]);
        var x = f.Input("x", DataType.Double, "batch", 3, 4);
        var y = f.B.Add(f.B.Mul(x, w), bias);
        var loss = f.WeightedSumLoss(y, [2, 3, 4]);
        var feeds = new[] { TensorFeed.Of("x", f.RandomDoubles(24), 2, 3, 4) };

        var report = GradientChecker.Check(f.Model, loss, ["w", "b"], feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    public void FanInIsSummedAndFrozenValuesGetNoGradient()
    {
        var f = new GraphFactory();
        var w = f.Param("w", [3]);
        var frozen = f.Param("frozen", [3]);
        var y = f.B.Add(f.B.Mul(w, w), f.B.Mul(w, frozen));
        var loss = f.WeightedSumLoss(y, [3]);

        var result = GradientBuilder.Build(f.Graph, loss, ["w"]);

        Assert.AreEqual(1, result.Gradients.Count);
        Assert.AreEqual("w_grad", result.Gradients["w"]);
        Assert.IsFalse(f.Graph.Proto.Output.Any(o => o.Name == "frozen_grad"));
        Assert.AreEqual(0, GraphValidator.Check(f.Graph).Count);
    }

    [TestMethod]
    public void MissingRuleNamesOpNodeAndOpset()
    {
        var f = new GraphFactory();
        var w = f.Param("w", [3]);
        var y = f.B.Op("Cos", [w]);
        var loss = f.WeightedSumLoss(y, [3]);

        var e = Assert.ThrowsExactly<GradientException>(() => GradientBuilder.Build(f.Graph, loss, ["w"]));

        StringAssert.Contains(e.Message, "'Cos'");
        StringAssert.Contains(e.Message, "t/Cos");
        StringAssert.Contains(e.Message, "opset 17");
    }
}
