using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class ReductionRuleTests
{
    /// <summary>How the reduced axes reach the node: attribute (old opsets), constant input, or a graph input fed at run time.</summary>
    public enum AxesFrom { Attribute, Constant, Fed }

    [TestMethod]
    [DataRow(11, new long[] { 1 }, 0, 0, AxesFrom.Attribute, false)]
    [DataRow(11, new long[] { }, 1, 0, AxesFrom.Attribute, false)]
    [DataRow(13, new long[] { -1, 0 }, 0, 0, AxesFrom.Constant, false)]
    [DataRow(13, new long[] { 1 }, 1, 0, AxesFrom.Constant, true)]
    [DataRow(13, new long[] { }, 0, 0, AxesFrom.Constant, false)]
    [DataRow(13, new long[] { }, 1, 1, AxesFrom.Constant, false)]
    [DataRow(18, new long[] { 0, -1 }, 1, 0, AxesFrom.Constant, true)]
    [DataRow(13, new long[] { 2, 0 }, 0, 0, AxesFrom.Fed, false)]
    [DataRow(13, new long[] { -2 }, 1, 0, AxesFrom.Fed, true)]
    [DataRow(13, new long[] { }, 0, 0, AxesFrom.Fed, false)]
    [DataRow(13, new long[] { }, 0, 1, AxesFrom.Fed, false)]
    public void ReduceSumGradientMatchesFiniteDifferences(int opset, long[] axes, int keepDims, int noop, AxesFrom from, bool symbolic) =>
        CheckReduction(OpTypes.ReduceSum, axesInputFrom: 13, opset, axes, keepDims, noop, from, symbolic);

    [TestMethod]
    [DataRow(13, new long[] { 1 }, 0, 0, AxesFrom.Attribute, false)]
    [DataRow(13, new long[] { -1, 0 }, 1, 0, AxesFrom.Attribute, true)]
    [DataRow(17, new long[] { }, 0, 0, AxesFrom.Attribute, true)]
    [DataRow(17, new long[] { 0 }, 0, 0, AxesFrom.Attribute, true)]
    [DataRow(18, new long[] { -2 }, 0, 0, AxesFrom.Constant, false)]
    [DataRow(18, new long[] { 0, 2 }, 1, 0, AxesFrom.Constant, true)]
    [DataRow(18, new long[] { }, 1, 1, AxesFrom.Constant, false)]
    [DataRow(18, new long[] { 1, 0 }, 0, 0, AxesFrom.Fed, true)]
    public void ReduceMeanGradientMatchesFiniteDifferences(int opset, long[] axes, int keepDims, int noop, AxesFrom from, bool symbolic) =>
        CheckReduction(OpTypes.ReduceMean, axesInputFrom: 18, opset, axes, keepDims, noop, from, symbolic);

    [TestMethod]
    [DataRow(13, new long[] { 1 }, 0, 0, AxesFrom.Attribute, false)]
    [DataRow(13, new long[] { -1, 0 }, 1, 0, AxesFrom.Attribute, true)]
    [DataRow(13, new long[] { }, 0, 0, AxesFrom.Attribute, false)]
    [DataRow(18, new long[] { 2 }, 1, 0, AxesFrom.Constant, false)]
    [DataRow(18, new long[] { 0, -2 }, 0, 0, AxesFrom.Constant, true)]
    [DataRow(18, new long[] { }, 1, 1, AxesFrom.Constant, false)]
    [DataRow(18, new long[] { -1 }, 0, 0, AxesFrom.Fed, false)]
    public void ReduceMaxGradientMatchesFiniteDifferences(int opset, long[] axes, int keepDims, int noop, AxesFrom from, bool symbolic) =>
        CheckReduction(OpTypes.ReduceMax, axesInputFrom: 18, opset, axes, keepDims, noop, from, symbolic);

    /// <summary>
    /// Two-way ties share the gradient evenly, which is what central differences see too: moving one tied entry up
    /// raises the max by the step, moving it down leaves the other, so the slope measured is one half.
    /// </summary>
    [TestMethod]
    [DataRow(13, 1)]
    [DataRow(18, 0)]
    public void ReduceMaxSplitsTwoWayTiesEvenly(int opset, int keepDims)
    {
        var f = new GraphFactory(opset);
        double[] values = [0.25, -0.5, 0.25, 0.75, 0.125, 0.75, -0.375, -0.625, 0.5];
        f.Graph.AddInitializer(TensorData.FromDoubles("x", values, 3, 3));
        var y = Reduce(f, OpTypes.ReduceMax, "x", [1], keepDims, 0, opset >= 18 ? AxesFrom.Constant : AxesFrom.Attribute, 18);
        var loss = f.WeightedSumLoss(y, keepDims != 0 ? [3, 1] : [3]);

        var report = GradientChecker.Check(f.Model, loss, ["x"], [], Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// y = Reduce(x * w) with x a fed input (batch dim symbolic when asked) and w trainable, so the reduced
    /// value has run-time dims where the test wants them; the loss weighs every output coordinate differently.
    /// </summary>
    static void CheckReduction(string op, int axesInputFrom, int opset, long[] axes, int keepDims, int noop, AxesFrom from, bool symbolic)
    {
        var f = new GraphFactory(opset);
        long[] shape = [2, 3, 4];
        var w = f.Param("w", [3, 4]);
        var xin = f.Input("xin", DataType.Double, symbolic ? "batch" : 2, 3, 4);
        var x = f.B.Mul(xin, w);
        var y = Reduce(f, op, x, axes, keepDims, noop, from, axesInputFrom);
        var outShape = ReducedShape(shape, axes, keepDims != 0, noop != 0);
        // Run-time axes leave the output's shape unknown: declare it, as an exporter would. ShapeInference also
        // ignores noop_with_empty_axes (it infers a fully reduced shape), so declare that case too.
        if (from == AxesFrom.Fed || noop != 0)
            f.Graph.Proto.ValueInfo.Add(new ValueInfoProto { Name = y, Type = new TensorType((int)DataType.Double, outShape.Select(Dim.Of).ToList()).ToTypeProto() });
        var loss = f.WeightedSumLoss(y, outShape);
        var feeds = new List<TensorFeed> { TensorFeed.Of("xin", f.RandomDoubles(24), shape) };
        if (from == AxesFrom.Fed) feeds.Add(TensorFeed.Of("axes", axes, axes.Length));

        var report = GradientChecker.Check(f.Model, loss, ["w"], feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    static string Reduce(GraphFactory f, string op, string x, long[] axes, int keepDims, int noop, AxesFrom from, int axesInputFrom)
    {
        var attrs = new List<AttributeProto> { Attr.Int("keepdims", keepDims) };
        if (noop != 0) attrs.Add(Attr.Int("noop_with_empty_axes", noop));
        var inputs = new List<string> { x };
        switch (from)
        {
            case AxesFrom.Attribute when axes.Length > 0:
                Assert.IsLessThan(axesInputFrom, f.B.Opset);
                attrs.Add(Attr.Ints("axes", axes));
                break;
            case AxesFrom.Constant when axes.Length > 0:
                inputs.Add(f.B.Ints(axes));
                break;
            case AxesFrom.Fed:
                inputs.Add(f.Input("axes", DataType.Int64, axes.Length));
                break;
        }
        return f.B.Op(op, inputs, [.. attrs]);
    }

    static long[] ReducedShape(long[] shape, long[] axes, bool keepDims, bool noop)
    {
        if (axes.Length == 0 && noop) return shape;
        var set = axes.Select(a => a < 0 ? a + shape.Length : a).ToHashSet();
        return shape.Select((d, i) => (d, reduced: axes.Length == 0 || set.Contains(i)))
            .Where(p => keepDims || !p.reduced).Select(p => p.reduced ? 1 : p.d).ToArray();
    }
}
