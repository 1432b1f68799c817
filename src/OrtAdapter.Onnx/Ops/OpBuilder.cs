using Google.Protobuf;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx;

/// <summary>
/// Emits standard ai.onnx nodes into a graph, one method per op, returning output names. Node and value names
/// derive from <see cref="Scope"/>, so the same sequence of calls gives the same graph. Opset differences
/// (axes as attribute or input) are handled here, once.
/// </summary>
public sealed partial class OpBuilder
{
    readonly Dictionary<string, string> _constants;

    public OpBuilder(OnnxGraph graph, string scope) : this(graph, scope, new Dictionary<string, string>(StringComparer.Ordinal)) { }

    OpBuilder(OnnxGraph graph, string scope, Dictionary<string, string> constants)
    {
        Graph = graph;
        Scope = scope;
        Opset = graph.OpsetVersion();
        _constants = constants;
    }

    public OnnxGraph Graph { get; }
    public string Scope { get; }
    public int Opset { get; }

    /// <summary>A builder emitting under another scope; constants are shared so equal ones are made once.</summary>
    public OpBuilder WithScope(string scope) => new(Graph, scope, _constants);

    /// <summary>Emits one node with one output.</summary>
    public string Op(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, 1, attributes).Output[0];

    /// <summary>Emits one node with <paramref name="outputs"/> outputs.</summary>
    public NodeProto Node(string opType, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var name = Graph.UniqueName($"{Scope}/{opType}");
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        for (int i = 0; i < outputs; i++) node.Output.Add(Graph.UniqueName(outputs == 1 ? name : $"{name}:{i}"));
        node.Attribute.AddRange(attributes);
        return Graph.AddNode(node);
    }

    // ---- constants (initializers, deduplicated by value) ----

    /// <summary>A constant initializer; equal constants are emitted once per graph.</summary>
    public string Constant(TensorProto value)
    {
        var key = $"{value.DataType}|{string.Join(",", value.Dims)}|{Convert.ToBase64String(TensorData.RawBytes(value).Span)}";
        if (_constants.TryGetValue(key, out var existing)) return existing;
        var name = Graph.UniqueName($"{Scope}/const");
        var t = value.Clone();
        t.Name = name;
        Graph.AddInitializer(t);
        return _constants[key] = name;
    }

    public string Ints(params long[] values) => Constant(TensorData.Create<long>("", values, values.Length));
    public string Int(long value) => Constant(TensorData.Scalar("", value));

    /// <summary>A scalar of a floating element type (float, double or float16).</summary>
    public string Scalar(double value, int elemType) => Constant((DataType)elemType switch
    {
        DataType.Float => TensorData.Scalar("", (float)value),
        DataType.Double => TensorData.Scalar("", value),
        DataType.Float16 => TensorData.Scalar("", (Half)value),
        DataType.Int64 => TensorData.Scalar("", (long)value),
        DataType.Int32 => TensorData.Scalar("", (int)value),
        _ => throw new NotSupportedException($"No scalar constant of type {DataTypes.Name(elemType)}."),
    });

    public string Unused => "";
}
