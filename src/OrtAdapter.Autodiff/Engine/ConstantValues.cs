using OrtAdapter.Onnx;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff;

/// <summary>Values fixed in the graph (initializers and Constant nodes that no feed overrides).</summary>
static class ConstantValues
{
    /// <summary>The value of a one-element numeric constant as a double; null for anything else, graph inputs included.</summary>
    public static double? Scalar(OnnxGraph graph, string name)
    {
        if (name.Length == 0 || graph.IsGraphInput(name)) return null;
        var producer = graph.Producer(name);
        if (producer is { OpType: OpTypes.Constant })
        {
            if (Attr.Find(producer, "value_float") is { } vf) return vf.F;
            if (Attr.Find(producer, "value_int") is { } vi) return vi.I;
        }
        var t = graph.Initializer(name) ?? (producer is { OpType: OpTypes.Constant } ? Attr.GetTensor(producer, "value") : null);
        if (t is null || TensorData.ElementCount(t.Dims) != 1) return null;
        return (DataType)t.DataType is DataType.Float or DataType.Double or DataType.Float16 or DataType.Int64 or DataType.Int32 or DataType.Bool
            ? TensorData.ToDoublesConverting(t)[0] : null;
    }

    /// <summary>True when <paramref name="name"/> is a scalar constant within a relative 1e-5 of <paramref name="expected"/>.</summary>
    public static bool IsScalar(OnnxGraph graph, string name, double expected) =>
        Scalar(graph, name) is { } v && Math.Abs(v - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected));
}
