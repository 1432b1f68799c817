using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Autodiff;

/// <summary>What a gradient rule sees of one node: its inputs and outputs, incoming gradients, types, and a builder.</summary>
public sealed class GradContext
{
    readonly IReadOnlyDictionary<string, TensorType> _types;
    readonly Func<string, bool> _requiresGrad;
    readonly string?[] _outputGrads;
    readonly Action<string, string> _accumulate;

    internal GradContext(NodeProto node, OpBuilder builder, IReadOnlyDictionary<string, TensorType> types,
        Func<string, bool> requiresGrad, string?[] outputGrads, Action<string, string> accumulate)
    {
        Node = node;
        B = builder;
        _types = types;
        _requiresGrad = requiresGrad;
        _outputGrads = outputGrads;
        _accumulate = accumulate;
    }

    public NodeProto Node { get; }

    /// <summary>Builder whose nodes are named "{node}/grad/...".</summary>
    public OpBuilder B { get; }
    public int Opset => B.Opset;

    /// <summary>Name of input <paramref name="i"/> ("" when the optional input is absent).</summary>
    public string I(int i) => i < Node.Input.Count ? Node.Input[i] : "";
    public int InputCount => Node.Input.Count;
    public string O(int i) => Node.Output[i];

    /// <summary>Gradient of the loss with respect to output <paramref name="i"/>, or null when none flows back.</summary>
    public string? GO(int i) => i < _outputGrads.Length ? _outputGrads[i] : null;

    /// <summary>True when input <paramref name="i"/> leads back to a trainable value and so needs a gradient.</summary>
    public bool Needs(int i) => I(i).Length > 0 && _requiresGrad(I(i));

    /// <summary>Contributes <paramref name="grad"/> to input <paramref name="i"/>'s gradient (ignored when not needed).</summary>
    public void GI(int i, string grad)
    {
        if (Needs(i)) _accumulate(I(i), grad);
    }

    /// <summary>A builder scoped under this node's gradient, for temporaries: "{node}/grad/{suffix}".</summary>
    public OpBuilder Tmp(string suffix) => B.WithScope($"{B.Scope}/{suffix}");

    public TensorType? TypeOf(string value) => _types.GetValueOrDefault(value);

    /// <summary>Element type of a value; fails naming the node when it is not known.</summary>
    public int ElemType(string value) =>
        TypeOf(value) is { ElemType: > 0 } t ? t.ElemType
        : throw new GradientException($"Node '{Node.Name}' ({Node.OpType}): element type of '{value}' is unknown; add value_info for it.");

    public int Rank(string value) =>
        TypeOf(value)?.Rank ?? throw new GradientException($"Node '{Node.Name}' ({Node.OpType}): rank of '{value}' is unknown; add value_info for it.");

    public long Int(string attribute, long fallback) => Attr.GetInt(Node, attribute, fallback);
    public float Float(string attribute, float fallback) => Attr.GetFloat(Node, attribute, fallback);
    public long[]? Ints(string attribute) => Attr.GetInts(Node, attribute);

    /// <summary>Values of a constant int64 input (initializer or Constant), or null.</summary>
    public long[]? ConstInts(int input) => I(input).Length == 0 ? null : ShapeInference.ConstantInts(B.Graph, I(input));

    /// <summary>A scalar constant of the same element type as <paramref name="like"/>.</summary>
    public string Scalar(double value, string like) => B.Scalar(value, ElemType(like));

    /// <summary>
    /// Sums a gradient computed at the broadcast shape back to the shape of <paramref name="input"/>
    /// (the reverse of numpy broadcasting). Static where the shapes tell, Shape/NonZero/ReduceSum otherwise.
    /// The gradient's static shape is its own when known, else that of <paramref name="shapedLike"/> (default: output 0).
    /// </summary>
    public string ReduceToShapeOf(string grad, string input, string? shapedLike = null) =>
        Broadcasting.ReduceToShapeOf(this, grad, input, TypeOf(grad) ?? TypeOf(shapedLike ?? O(0)));
}
