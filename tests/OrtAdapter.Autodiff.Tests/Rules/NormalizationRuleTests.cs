using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class NormalizationRuleTests
{
    static readonly long[] Shape = [2, 3, 4];

    /// <summary>Opset 12 flattens at the axis (default 1) and normalizes over all trailing axes; 13 uses one axis (default -1).</summary>
    [TestMethod]
    [DataRow(12, null)]
    [DataRow(12, -2L)]
    [DataRow(12, 0L)]
    [DataRow(13, null)]
    [DataRow(13, 0L)]
    [DataRow(13, -2L)]
    [DataRow(17, 1L)]
    public void SoftmaxGradientMatchesFiniteDifferences(int opset, long? axis) => CheckSoftmax(OpTypes.Softmax, opset, axis);

    [TestMethod]
    [DataRow(12, null)]
    [DataRow(12, 2L)]
    [DataRow(13, null)]
    [DataRow(13, 1L)]
    [DataRow(17, -3L)]
    public void LogSoftmaxGradientMatchesFiniteDifferences(int opset, long? axis) => CheckSoftmax(OpTypes.LogSoftmax, opset, axis);

    static void CheckSoftmax(string op, int opset, long? axis)
    {
        var f = new GraphFactory(opset);
        var x = f.Param("x", Shape, -2, 2);
        var y = f.B.Op(op, [x], axis is { } a ? [Attr.Int("axis", a)] : []);
        var loss = f.WeightedSumLoss(y, Shape);

        var report = GradientChecker.Check(f.Model, loss, ["x"], [], Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// LayerNormalization over the trailing axes from <paramref name="axis"/> (absent = -1), with or without bias,
    /// a frozen scale, a symbolic batch dim, and a loss that also reads the Mean and InvStdDev outputs. Those are
    /// float whatever X is (type U), so with them the graph runs in float and is checked with float tolerances.
    /// </summary>
    [TestMethod]
    [DataRow(17, null, true, true, false, false)]
    [DataRow(17, 1L, false, true, false, false)]
    [DataRow(17, -2L, true, false, false, false)]
    [DataRow(18, 0L, true, true, false, false)]
    [DataRow(18, -1L, true, true, true, false)]
    [DataRow(17, -2L, true, true, true, true)]
    [DataRow(17, -1L, false, true, false, true)]
    public void LayerNormalizationGradientMatchesFiniteDifferences(int opset, long? axis, bool bias, bool scaleTrainable, bool symbolic, bool statsInLoss)
    {
        var elem = statsInLoss ? DataType.Float : DataType.Double;
        var f = new GraphFactory(opset, elem: elem);
        var first = (int)(axis is { } a ? (a < 0 ? a + Shape.Length : a) : Shape.Length - 1);
        var normalized = Shape[first..];
        var x = symbolic
            ? f.B.Mul(f.Input("xin", elem, "batch", 3, 4), f.Param("x", [3, 4]))
            : f.Param("x", Shape);
        var scale = f.Param("scale", normalized, 0.5, 1.5);
        var inputs = bias ? new[] { x, scale, f.Param("bias", normalized) } : [x, scale];
        var attrs = new List<AttributeProto> { Attr.Float("epsilon", 1e-3f) };
        if (axis is { } ax) attrs.Add(Attr.Int("axis", ax));
        var node = f.B.Node(OpTypes.LayerNormalization, inputs, statsInLoss ? 3 : 1, [.. attrs]);
        var loss = f.WeightedSumLoss(node.Output[0], Shape);
        if (statsInLoss)
        {
            // Mean and InvStdDev keep the normalized axes as 1s; ShapeInference does not derive them.
            var statShape = Shape.Select((d, i) => i < first ? d : 1).ToArray();
            var total = loss;
            foreach (var stat in node.Output.Skip(1))
            {
                f.Graph.Proto.ValueInfo.Add(new ValueInfoProto { Name = stat, Type = new TensorType((int)DataType.Float, statShape.Select(Dim.Of).ToList()).ToTypeProto() });
                var weights = f.Param("w_" + stat.Replace('/', '_').Replace(':', '_'), statShape);
                total = f.B.Add(total, f.B.ReduceSum(f.B.Mul(stat, weights), [], keepDims: false));
            }
            f.Graph.Proto.Output.Add(new ValueInfoProto { Name = total, Type = new TensorType((int)elem, []).ToTypeProto() });
            loss = total;
        }
        var trainable = new List<string> { "x" };
        if (scaleTrainable) trainable.Add("scale");
        if (bias) trainable.Add("bias");
        var xin = f.RandomDoubles(24);
        var feeds = !symbolic ? [] : statsInLoss
            ? new[] { TensorFeed.Of("xin", xin.Select(v => (float)v).ToArray(), Shape) }
            : new[] { TensorFeed.Of("xin", xin, Shape) };

        var report = GradientChecker.Check(f.Model, loss, trainable, feeds, statsInLoss ? Tolerances.Float : Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// The opset-14 export's layer norm, decomposed into ReduceMean, Sub, Pow(., 2), ReduceMean, Add eps, Sqrt,
    /// Div, Mul scale, Add bias, differentiated end to end (needs the Pow and Sqrt rules of ElementwiseRules).
    /// </summary>
    [TestMethod]
    public void DecomposedLayerNormGradientMatchesFiniteDifferences()
    {
        var f = new GraphFactory(14);
        var b = f.B;
        var x = b.Mul(f.Input("xin", DataType.Double, "batch", 3, 4), f.Param("x", [3, 4]));
        var scale = f.Param("scale", [4], 0.5, 1.5);
        var bias = f.Param("bias", [4]);
        var centered = b.Sub(x, b.ReduceMean(x, [-1]));
        var variance = b.ReduceMean(b.Pow(centered, b.Scalar(2, (int)DataType.Double)), [-1]);
        var std = b.Sqrt(b.Add(variance, b.Scalar(1e-5, (int)DataType.Double)));
        var y = b.Add(b.Mul(b.Div(centered, std), scale), bias);
        var loss = f.WeightedSumLoss(y, Shape);
        var feeds = new[] { TensorFeed.Of("xin", f.RandomDoubles(24), Shape) };

        var report = GradientChecker.Check(f.Model, loss, ["x", "scale", "bias"], feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }
}
