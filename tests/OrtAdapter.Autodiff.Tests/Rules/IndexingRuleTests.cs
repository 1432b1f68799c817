using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class IndexingRuleTests
{
    /// <summary>How the indices reach the node: a constant, or a graph input fed at run time as int64 or int32.</summary>
    public enum IndicesFrom { Constant, Fed64, Fed32 }

    // Data specs are those of SpecOperands: "3,4,5" trainable, named dims ("b,s,4") fed with symbolic dims.
    // Opset 14 takes the one-hot path, 17 the ScatterND / ScatterElements path.

    /// <summary>Scalar, 1-D and 2-D indices, repeated and negative, on every axis; CLS pooling Gather(h, 0, axis=1).</summary>
    [TestMethod]
    [DataRow(14, "3,4,5", new long[] { 1 }, new long[] { }, 0L, IndicesFrom.Constant)]
    [DataRow(17, "3,4,5", new long[] { 1 }, new long[] { }, 0L, IndicesFrom.Constant)]
    [DataRow(14, "3,4,5", new long[] { 2, 0, 2 }, new long[] { 3 }, 1L, IndicesFrom.Constant)]
    [DataRow(17, "3,4,5", new long[] { 2, 0, 2 }, new long[] { 3 }, 1L, IndicesFrom.Constant)]
    [DataRow(14, "3,4,5", new long[] { 0, -1, 1, 1 }, new long[] { 2, 2 }, -1L, IndicesFrom.Fed64)]
    [DataRow(17, "3,4,5", new long[] { 0, -1, 1, 1 }, new long[] { 2, 2 }, -1L, IndicesFrom.Fed64)]
    [DataRow(14, "3,4,5", new long[] { -3, 2, 2, 0, 1, -1 }, new long[] { 2, 3 }, 0L, IndicesFrom.Fed32)]
    [DataRow(17, "3,4,5", new long[] { -3, 2, 2, 0, 1, -1 }, new long[] { 2, 3 }, 0L, IndicesFrom.Fed32)]
    [DataRow(14, "b,s,4", new long[] { 0 }, new long[] { }, 1L, IndicesFrom.Constant)]
    [DataRow(17, "b,s,4", new long[] { 0 }, new long[] { }, 1L, IndicesFrom.Constant)]
    [DataRow(17, "b,s,4", new long[] { -1, 0 }, new long[] { 2 }, -2L, IndicesFrom.Fed64)]
    public void GatherGradientMatchesFiniteDifferences(int opset, string data, long[] indices, long[] indexShape, long axis, IndicesFrom from)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var x = ops.Add("x", data);
        var (idx, feeds) = Indices(f, ops, indices, indexShape, from);
        var y = f.B.Gather(x, idx, axis);
        var shape = SpecOperands.Shape(data);
        var a = (int)(axis < 0 ? axis + shape.Length : axis);
        var loss = f.WeightedSumLoss(y, [.. shape[..a], .. indexShape, .. shape[(a + 1)..]]);

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>Repeated and negative indices on either axis, indices smaller than the data off the axis, and a label pick along classes.</summary>
    [TestMethod]
    [DataRow(14, "3,4", new long[] { 0, 3, 1, 1, 2, 0 }, new long[] { 3, 2 }, 1L, IndicesFrom.Constant)]
    [DataRow(17, "3,4", new long[] { 0, 3, 1, 1, 2, 0 }, new long[] { 3, 2 }, 1L, IndicesFrom.Constant)]
    [DataRow(14, "3,4", new long[] { -1, 0, 2, 2, 1, 1, -3, 0 }, new long[] { 2, 4 }, 0L, IndicesFrom.Fed64)]
    [DataRow(17, "3,4", new long[] { -1, 0, 2, 2, 1, 1, -3, 0 }, new long[] { 2, 4 }, 0L, IndicesFrom.Fed64)]
    [DataRow(14, "3,4", new long[] { 3, 3, 0, 1 }, new long[] { 2, 2 }, -1L, IndicesFrom.Fed32)]
    [DataRow(17, "3,4", new long[] { 3, 3, 0, 1 }, new long[] { 2, 2 }, -1L, IndicesFrom.Fed32)]
    [DataRow(14, "2,3,4", new long[] { 0, 3, 1, 1, 2, 0, 3, 2, 1, 0, 0, 3 }, new long[] { 2, 3, 2 }, -1L, IndicesFrom.Constant)]
    [DataRow(17, "2,3,4", new long[] { 0, 3, 1, 1, 2, 0, 3, 2, 1, 0, 0, 3 }, new long[] { 2, 3, 2 }, -1L, IndicesFrom.Constant)]
    [DataRow(14, "b,3", new long[] { 2, 0 }, new long[] { 2, 1 }, 1L, IndicesFrom.Fed64)]
    [DataRow(17, "b,3", new long[] { 2, 0 }, new long[] { 2, 1 }, 1L, IndicesFrom.Fed64)]
    public void GatherElementsGradientMatchesFiniteDifferences(int opset, string data, long[] indices, long[] indexShape, long axis, IndicesFrom from)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var x = ops.Add("x", data);
        var (idx, feeds) = Indices(f, ops, indices, indexShape, from);
        var y = f.B.GatherElements(x, idx, axis);
        var loss = f.WeightedSumLoss(y, indexShape);

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    static (string Name, List<TensorFeed> Feeds) Indices(GraphFactory f, SpecOperands ops, long[] values, long[] shape, IndicesFrom from)
    {
        var feeds = ops.Feeds.ToList();
        if (from == IndicesFrom.Constant) return (f.B.Constant(TensorData.FromInt64s("", values, shape)), feeds);
        var elem = from == IndicesFrom.Fed64 ? DataType.Int64 : DataType.Int32;
        feeds.Add(from == IndicesFrom.Fed64 ? new TensorFeed("idx", values, shape) : new TensorFeed("idx", values.Select(v => (int)v).ToArray(), shape));
        return (f.Input("idx", elem, [.. shape.Select(d => (object)d)]), feeds);
    }
}
