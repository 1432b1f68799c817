using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>
/// Contents of small int64 "shape tensors" (Shape -> Gather -> Unsqueeze -> Concat chains that exports use to
/// build Reshape targets), kept as dims so symbolic sizes like batch_size survive a Reshape.
/// </summary>
sealed class ShapeValues(OnnxGraph graph)
{
    readonly Dictionary<string, Dim[]> _values = new(StringComparer.Ordinal);

    public Dim[]? Get(string name)
    {
        if (_values.TryGetValue(name, out var v)) return v;
        return ShapeInference.ConstantInts(graph, name)?.Select(Dim.Of).ToArray();
    }

    /// <summary>Records what a node's first output holds, when it is derivable.</summary>
    public void Track(NodeProto n, IReadOnlyDictionary<string, TensorType> types)
    {
        if (n.Output.Count == 0 || n.Output[0].Length == 0) return;
        var result = Derive(n, types);
        if (result is not null) _values[n.Output[0]] = result;
    }

    Dim[]? Derive(NodeProto n, IReadOnlyDictionary<string, TensorType> types)
    {
        switch (n.OpType)
        {
            case OpTypes.Shape:
                if (!types.TryGetValue(n.Input[0], out var t) || t.Shape is null) return null;
                var rank = t.Shape.Count;
                var start = Clamp(Attr.GetInt(n, "start", 0), rank);
                var end = Clamp(Attr.GetInt(n, "end", rank), rank);
                return t.Shape.Skip(start).Take(Math.Max(0, end - start)).ToArray();
            case OpTypes.Gather when Attr.GetInt(n, "axis", 0) == 0:
                if (Get(n.Input[0]) is not { } data || ShapeInference.ConstantInts(graph, n.Input[1]) is not { } idx) return null;
                if (idx.Any(i => i >= data.Length || i < -data.Length)) return null;
                return idx.Select(i => data[i < 0 ? i + data.Length : i]).ToArray();
            case OpTypes.Size:
                if (!types.TryGetValue(n.Input[0], out var st) || st.Shape is null || st.Shape.Any(d => !d.IsKnown)) return null;
                return [Dim.Of(st.Shape.Aggregate(1L, (p, d) => p * d.Value!.Value))];
            case OpTypes.Unsqueeze or OpTypes.Squeeze or OpTypes.Identity or OpTypes.Cast:
                return Get(n.Input[0]);
            case OpTypes.Concat:
                var parts = n.Input.Select(Get).ToList();
                return parts.Any(p => p is null) ? null : parts.SelectMany(p => p!).ToArray();
            case OpTypes.Mul or OpTypes.Div or OpTypes.Add or OpTypes.Sub:
                return Arithmetic(n);
            default:
                return null;
        }
    }

    // Scalar arithmetic on known sizes (e.g. hidden / heads). A symbolic operand survives the identities
    // (s + 0, s - 0, s * 1, s / 1: Hugging Face's past_key_values_length is such a 0); otherwise it makes the result unknown.
    Dim[]? Arithmetic(NodeProto n)
    {
        if (Get(n.Input[0]) is not [var a] || Get(n.Input[1]) is not [var b]) return null;
        if (Identity(n.OpType, a, b) is { } same) return [same];
        if (a.Value is not { } x || b.Value is not { } y) return [Dim.Unknown];
        return n.OpType switch
        {
            OpTypes.Mul => [Dim.Of(x * y)],
            OpTypes.Div when y != 0 => [Dim.Of(x / y)],
            OpTypes.Add => [Dim.Of(x + y)],
            OpTypes.Sub => [Dim.Of(x - y)],
            _ => null,
        };
    }

    static Dim? Identity(string op, Dim a, Dim b) => op switch
    {
        OpTypes.Add when b.Value == 0 => a,
        OpTypes.Add when a.Value == 0 => b,
        OpTypes.Sub when b.Value == 0 => a,
        OpTypes.Mul when b.Value == 1 => a,
        OpTypes.Mul when a.Value == 1 => b,
        OpTypes.Div when b.Value == 1 => a,
        _ => null,
    };

    static int Clamp(long axis, int rank) => (int)Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);
}
