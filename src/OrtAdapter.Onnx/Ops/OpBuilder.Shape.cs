using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

public sealed partial class OpBuilder
{
    public string Shape(string x) => Op(OpTypes.Shape, [x]);
    public string Reshape(string x, string shape) => Op(OpTypes.Reshape, [x, shape]);
    public string Reshape(string x, params long[] shape) => Reshape(x, Ints(shape));
    public string Expand(string x, string shape) => Op(OpTypes.Expand, [x, shape]);
    public string Transpose(string x, params long[] perm) => Op(OpTypes.Transpose, [x], Attr.Ints("perm", perm));
    public string Concat(long axis, params string[] xs) => Op(OpTypes.Concat, xs, Attr.Int("axis", axis));
    public string Gather(string data, string indices, long axis = 0) => Op(OpTypes.Gather, [data, indices], Attr.Int("axis", axis));
    public string GatherElements(string data, string indices, long axis) => Op(OpTypes.GatherElements, [data, indices], Attr.Int("axis", axis));
    public string ConstantOfShape(string shape, TensorProto value) => Op(OpTypes.ConstantOfShape, [shape], Attr.Tensor("value", value));
    public string NonZero(string x) => Op(OpTypes.NonZero, [x]);
    public string Range(string start, string limit, string delta) => Op(OpTypes.Range, [start, limit, delta]);
    public string Size(string x) => Op(OpTypes.Size, [x]);
    public string Tile(string x, string repeats) => Op(OpTypes.Tile, [x, repeats]);

    /// <summary>Slice with starts/ends/axes/steps as inputs (opset ≥ 10).</summary>
    public string Slice(string x, string starts, string ends, string? axes = null, string? steps = null)
    {
        var inputs = new List<string> { x, starts, ends };
        if (axes is not null || steps is not null) inputs.Add(axes ?? "");
        if (steps is not null) inputs.Add(steps);
        return Op(OpTypes.Slice, inputs);
    }

    public string Unsqueeze(string x, params long[] axes) =>
        Opset >= 13 ? Op(OpTypes.Unsqueeze, [x, Ints(axes)]) : Op(OpTypes.Unsqueeze, [x], Attr.Ints("axes", axes));

    public string Squeeze(string x, params long[] axes) =>
        Opset >= 13 ? Op(OpTypes.Squeeze, [x, Ints(axes)]) : Op(OpTypes.Squeeze, [x], Attr.Ints("axes", axes));

    /// <summary>ReduceSum over constant axes (empty = all).</summary>
    public string ReduceSum(string x, long[] axes, bool keepDims = true) => Reduce(OpTypes.ReduceSum, x, axes, keepDims, axesAsInputFrom: 13);

    /// <summary>ReduceSum over axes computed at run time (a 1-D int64 value); an empty tensor reduces nothing.</summary>
    public string ReduceSumDynamic(string x, string axes, bool keepDims = true)
    {
        if (Opset < 13) throw new NotSupportedException($"ReduceSum with run-time axes needs opset 13, the graph has {Opset}.");
        return Op(OpTypes.ReduceSum, [x, axes], Attr.Int("keepdims", keepDims ? 1 : 0), Attr.Int("noop_with_empty_axes", 1));
    }

    public string ReduceMean(string x, long[] axes, bool keepDims = true) => Reduce(OpTypes.ReduceMean, x, axes, keepDims, axesAsInputFrom: 18);
    public string ReduceMax(string x, long[] axes, bool keepDims = true) => Reduce(OpTypes.ReduceMax, x, axes, keepDims, axesAsInputFrom: 18);

    /// <summary>Split into equal parts or given sizes along an axis.</summary>
    public string[] Split(string x, long axis, long[] sizes)
    {
        var node = Opset >= 13
            ? Node(OpTypes.Split, [x, Ints(sizes)], sizes.Length, Attr.Int("axis", axis))
            : Node(OpTypes.Split, [x], sizes.Length, Attr.Int("axis", axis), Attr.Ints("split", sizes));
        return [.. node.Output];
    }

    string Reduce(string op, string x, long[] axes, bool keepDims, int axesAsInputFrom)
    {
        var keep = Attr.Int("keepdims", keepDims ? 1 : 0);
        if (axes.Length == 0) return Op(op, [x], keep);
        return Opset >= axesAsInputFrom ? Op(op, [x, Ints(axes)], keep) : Op(op, [x], Attr.Ints("axes", axes), keep);
    }
}
