using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx;

/// <summary>
/// Static element types and shapes of every value: read from inputs, initializers and value_info, then
/// propagated through the ops where it is derivable. Symbolic dims stay names; what cannot be derived is
/// left unknown (a null shape or <see cref="Dim.Unknown"/>), never guessed.
/// </summary>
public static class ShapeInference
{
    public static Dictionary<string, TensorType> Infer(OnnxGraph graph)
    {
        var types = new Dictionary<string, TensorType>(StringComparer.Ordinal);
        foreach (var v in graph.Proto.Input.Concat(graph.Proto.ValueInfo).Concat(graph.Proto.Output))
            if (TensorType.From(v.Type) is { } t) types[v.Name] = t;
        foreach (var t in graph.Initializers) types[t.Name] = TensorType.From(t);
        var shapeValues = new ShapeValues(graph);
        foreach (var node in graph.TopologicalOrder())
        {
            var inferred = InferNode(graph, node, types, shapeValues);
            for (int i = 0; i < node.Output.Count && i < inferred.Length; i++)
                if (inferred[i] is { } t && node.Output[i].Length > 0)
                    types[node.Output[i]] = types.TryGetValue(node.Output[i], out var declared) ? Merge(node.Output[i], declared, t) : t;
            shapeValues.Track(node, types);
        }
        return types;
    }

    /// <summary>
    /// A declared type (value_info, graph output) merged with the derived one, dim by dim: a known size beats a name
    /// or an unknown (exports declare placeholders such as 'Addlast_hidden_state_dim_2' where the size is a static
    /// 384), a name beats an unknown, and two different sizes are a contradiction in the model.
    /// </summary>
    static TensorType Merge(string name, TensorType declared, TensorType derived)
    {
        if (declared.Shape is null || derived.Shape is null || declared.Shape.Count != derived.Shape.Count)
            return declared.Shape is null ? derived with { ElemType = declared.ElemType != 0 ? declared.ElemType : derived.ElemType } : declared;
        var dims = new Dim[declared.Shape.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            var (d, v) = (declared.Shape[i], derived.Shape[i]);
            if (d.IsKnown && v.IsKnown && d.Value != v.Value)
                throw new OnnxFormatException($"'{name}' is declared with dim {i} = {d.Value} but its producer gives {v.Value}.");
            dims[i] = d.IsKnown ? d : v.IsKnown ? v : d.Param is not null ? d : v;
        }
        return new TensorType(declared.ElemType != 0 ? declared.ElemType : derived.ElemType, dims);
    }

    static TensorType?[] InferNode(OnnxGraph g, NodeProto n, Dictionary<string, TensorType> types, ShapeValues shapeValues)
    {
        TensorType? In(int i) => i < n.Input.Count && types.TryGetValue(n.Input[i], out var t) ? t : null;
        var x = In(0);
        int elem = x?.ElemType ?? 0;
        switch (n.OpType)
        {
            case OpTypes.Shape: return [new((int)DataType.Int64, x?.Rank is { } r ? [Dim.Of(r)] : null)];
            case OpTypes.Size: return [new((int)DataType.Int64, [])];
            case OpTypes.NonZero: return [new((int)DataType.Int64, x?.Rank is { } r2 ? [Dim.Of(r2), Dim.Unknown] : null)];
            case OpTypes.Cast: return [new((int)Attr.GetInt(n, "to", 0), x?.Shape)];
            case OpTypes.CastLike: return [new(In(1)?.ElemType ?? 0, x?.Shape)];
            case OpTypes.Equal or OpTypes.Less or OpTypes.Greater or OpTypes.LessOrEqual or OpTypes.GreaterOrEqual
                or OpTypes.And or OpTypes.Or or OpTypes.Xor:
                return [new((int)DataType.Bool, Broadcast(x, In(1)))];
            case OpTypes.Not: return [new((int)DataType.Bool, x?.Shape)];
            case OpTypes.ArgMax: return [new((int)DataType.Int64, null)];
            case OpTypes.Constant:
                return [Attr.GetTensor(n, "value") is { } ct ? TensorType.From(ct)
                    : Attr.Find(n, "value_float") is not null ? new((int)DataType.Float, [])
                    : Attr.Find(n, "value_int") is not null ? new((int)DataType.Int64, []) : null];
            case OpTypes.ConstantOfShape:
                return [new(Attr.GetTensor(n, "value")?.DataType ?? (int)DataType.Float, ConstantShape(n, 0, types, shapeValues))];
            case OpTypes.Add or OpTypes.Sub or OpTypes.Mul or OpTypes.Div or OpTypes.Pow or OpTypes.Mod:
                return [new(elem, Broadcast(x, In(1)))];
            case OpTypes.Where: return [new(In(1)?.ElemType ?? 0, Broadcast(Broadcast(x, In(1)) is { } s ? new TensorType(0, s) : null, In(2)))];
            case OpTypes.Sum or OpTypes.Max or OpTypes.Min:
                return [new(elem, n.Input.Select((_, i) => In(i)).Aggregate((TensorType?)null, (acc, t) => acc is null ? t : new TensorType(elem, Broadcast(acc, t)))?.Shape)];
            case OpTypes.MatMul: return [new(elem, MatMulShape(x, In(1)))];
            case OpTypes.MatMulInteger: return [new((int)DataType.Int32, MatMulShape(x, In(1)))];
            case OpTypes.DynamicQuantizeLinear: return [new((int)DataType.Uint8, x?.Shape), new((int)DataType.Float, []), new((int)DataType.Uint8, [])];
            case OpTypes.DequantizeLinear: return [new(In(1)?.ElemType ?? (int)DataType.Float, x?.Shape)];
            case OpTypes.Gemm: return [new(elem, GemmShape(n, x, In(1)))];
            case OpTypes.Transpose: return [new(elem, TransposeShape(n, x))];
            case OpTypes.Gather: return [new(elem, GatherShape(n, x, In(1)))];
            case OpTypes.Reshape: return [new(elem, ReshapeShape(n, x, types, shapeValues))];
            case OpTypes.Unsqueeze or OpTypes.Squeeze: return [new(elem, SqueezeShape(g, n, x))];
            case OpTypes.ReduceSum or OpTypes.ReduceMean or OpTypes.ReduceMax or OpTypes.ReduceMin or OpTypes.ReduceL2 or OpTypes.ReduceSumSquare:
                return [new(elem, ReduceShape(g, n, x))];
            case OpTypes.Concat: return [new(elem, ConcatShape(n, n.Input.Select((_, i) => In(i)).ToList()))];
            case OpTypes.Expand: return [new(elem, ExpandShape(n, x, types, shapeValues))];
            case OpTypes.Range: return [new(elem, [RangeLength(n, shapeValues)])];
            case OpTypes.Slice: return [new(elem, SliceShape(n, x, shapeValues))];
            case OpTypes.Dropout: return [x, new((int)DataType.Bool, x?.Shape)];
            case OpTypes.LayerNormalization: return [x, null, null];
            case OpTypes.OneHot: return [new(In(2)?.ElemType ?? 0, OneHotShape(n, In(0), shapeValues))];
            case OpTypes.Flatten: return [new(elem, FlattenShape(n, x))];
            case OpTypes.ScatterND: return [x];
            case OpTypes.Tile or OpTypes.Split or OpTypes.TopK or OpTypes.GatherElements or OpTypes.ScatterElements:
                return [new(elem, n.OpType is OpTypes.GatherElements ? In(1)?.Shape : n.OpType == OpTypes.ScatterElements ? x?.Shape : x?.Rank is { } rr && n.OpType is OpTypes.Tile ? Enumerable.Repeat(Dim.Unknown, rr).ToList() : null)];
            default:
                // Unary element-wise ops and the rest: same element type as the first input; elementwise ops keep the shape.
                return IsElementwiseUnary(n.OpType) ? [new(elem, x?.Shape)] : [elem == 0 ? null : new TensorType(elem, null)];
        }
    }

    /// <summary>
    /// The ai.onnx ops whose output has their (first) input's shape and element type: every standard element-wise
    /// unary op, the activations and the per-axis ops (Softmax, CumSum, Trilu). Complete for the standard domain, so a
    /// gradient rule for any of them needs no edit here; the autodiff's element-wise rule registration checks its ops
    /// against this set and fails loudly for an op outside it.
    /// </summary>
    public static IReadOnlySet<string> ElementwiseUnary { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        OpTypes.Abs, OpTypes.Neg, OpTypes.Exp, OpTypes.Log, OpTypes.Sqrt, OpTypes.Relu, OpTypes.Sigmoid, OpTypes.Tanh,
        OpTypes.Erf, OpTypes.Identity, OpTypes.Softmax, OpTypes.LogSoftmax, OpTypes.Reciprocal, OpTypes.Softplus,
        OpTypes.Floor, OpTypes.Sign, OpTypes.Clip, OpTypes.Gelu, OpTypes.CumSum, OpTypes.Trilu,
        "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Celu", "Cos", "Cosh", "Elu", "Hardmax", "HardSigmoid",
        "HardSwish", "LeakyRelu", "Mish", "Round", "Selu", "Shrink", "Sin", "Sinh", "Softsign", "Tan", "ThresholdedRelu",
    };

    static bool IsElementwiseUnary(string op) => ElementwiseUnary.Contains(op);

    public static IReadOnlyList<Dim>? Broadcast(TensorType? a, TensorType? b)
    {
        if (a?.Shape is not { } sa || b?.Shape is not { } sb) return null;
        var rank = Math.Max(sa.Count, sb.Count);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            var da = i - (rank - sa.Count) >= 0 ? sa[i - (rank - sa.Count)] : Dim.Of(1);
            var db = i - (rank - sb.Count) >= 0 ? sb[i - (rank - sb.Count)] : Dim.Of(1);
            result[i] = da.Value == 1 ? db : db.Value == 1 ? da : da.IsKnown ? da : db.IsKnown ? db : da == db ? da : Dim.Unknown;
        }
        return result;
    }

    static IReadOnlyList<Dim>? MatMulShape(TensorType? a, TensorType? b)
    {
        if (a?.Shape is not { } sa || b?.Shape is not { } sb || sa.Count == 0 || sb.Count == 0) return null;
        if (sa.Count == 1 || sb.Count == 1)
        {
            if (sa.Count == 1 && sb.Count == 1) return [];
            return sa.Count == 1 ? sb.Take(sb.Count - 2).Append(sb[^1]).ToList() : sa.Take(sa.Count - 1).ToList();
        }
        var batch = Broadcast(new TensorType(0, sa.Take(sa.Count - 2).ToList()), new TensorType(0, sb.Take(sb.Count - 2).ToList()))!;
        return batch.Append(sa[^2]).Append(sb[^1]).ToList();
    }

    static IReadOnlyList<Dim>? GemmShape(NodeProto n, TensorType? a, TensorType? b)
    {
        if (a?.Shape is not { Count: 2 } sa || b?.Shape is not { Count: 2 } sb) return null;
        var m = Attr.GetInt(n, "transA", 0) != 0 ? sa[1] : sa[0];
        var k = Attr.GetInt(n, "transB", 0) != 0 ? sb[0] : sb[1];
        return [m, k];
    }

    static IReadOnlyList<Dim>? TransposeShape(NodeProto n, TensorType? x)
    {
        if (x?.Shape is not { } s) return null;
        var perm = Attr.GetInts(n, "perm") ?? Enumerable.Range(0, s.Count).Reverse().Select(i => (long)i).ToArray();
        return perm.Select(p => s[(int)p]).ToList();
    }

    static IReadOnlyList<Dim>? GatherShape(NodeProto n, TensorType? data, TensorType? indices)
    {
        if (data?.Shape is not { } d || indices?.Shape is not { } idx) return null;
        var axis = Normalize(Attr.GetInt(n, "axis", 0), d.Count);
        return d.Take(axis).Concat(idx).Concat(d.Skip(axis + 1)).ToList();
    }

    static IReadOnlyList<Dim>? ReshapeShape(NodeProto n, TensorType? x, Dictionary<string, TensorType> types, ShapeValues shapeValues)
    {
        var target = shapeValues.Get(n.Input[1]);
        if (target is null)
            return types.TryGetValue(n.Input[1], out var st) && st.Shape is [{ Value: { } len }] ? Enumerable.Repeat(Dim.Unknown, (int)len).ToList() : null;
        var allowZero = Attr.GetInt(n, "allowzero", 0) != 0;
        var dims = target.Select((d, i) => d.Value == 0 && !allowZero ? (x?.Shape is { } s && i < s.Count ? s[i] : Dim.Unknown) : d.Value == -1 ? Dim.Unknown : d).ToArray();
        var minus = Array.FindIndex(target, d => d.Value == -1);
        if (minus >= 0 && x?.Shape is { } xs)
            dims[minus] = InferMinusOne(xs, dims.Where((_, i) => i != minus).ToList());
        return dims;
    }

    /// <summary>
    /// The -1 of a Reshape: product(input) / product(others), with symbolic dims cancelled by name; a single
    /// remaining name (e.g. [batch, seq, 256] -> [batch * seq... ] stays unknown, [b, s, 4, 64] -> [b, s, -1] is 256).
    /// </summary>
    static Dim InferMinusOne(IReadOnlyList<Dim> input, List<Dim> others)
    {
        if (input.Concat(others).Any(d => d.Value is null && d.Param is null)) return Dim.Unknown;
        var names = input.Where(d => d.Param is not null).Select(d => d.Param!).ToList();
        foreach (var d in others.Where(d => d.Param is not null))
            if (!names.Remove(d.Param!)) return Dim.Unknown;
        var known = input.Where(d => d.IsKnown).Aggregate(1L, (p, d) => p * d.Value!.Value);
        var divisor = others.Where(d => d.IsKnown).Aggregate(1L, (p, d) => p * d.Value!.Value);
        if (divisor == 0 || known % divisor != 0) return Dim.Unknown;
        var quotient = known / divisor;
        return names.Count switch
        {
            0 => Dim.Of(quotient),
            1 when quotient == 1 => Dim.Named(names[0]),
            _ => Dim.Unknown,
        };
    }

    static IReadOnlyList<Dim>? SqueezeShape(OnnxGraph g, NodeProto n, TensorType? x)
    {
        if (x?.Shape is not { } s) return null;
        var axes = Attr.GetInts(n, "axes") ?? (n.Input.Count > 1 ? ConstantInts(g, n.Input[1]) : null);
        if (n.OpType == OpTypes.Unsqueeze)
        {
            if (axes is null) return null;
            var rank = s.Count + axes.Length;
            var set = axes.Select(a => Normalize(a, rank)).ToHashSet();
            var result = new List<Dim>();
            int j = 0;
            for (int i = 0; i < rank; i++) result.Add(set.Contains(i) ? Dim.Of(1) : s[j++]);
            return result;
        }
        if (axes is null) return s.Any(d => !d.IsKnown) ? null : s.Where(d => d.Value != 1).ToList();
        var drop = axes.Select(a => Normalize(a, s.Count)).ToHashSet();
        return s.Where((_, i) => !drop.Contains(i)).ToList();
    }

    static IReadOnlyList<Dim>? ReduceShape(OnnxGraph g, NodeProto n, TensorType? x)
    {
        if (x?.Shape is not { } s) return null;
        var axes = Attr.GetInts(n, "axes") ?? (n.Input.Count > 1 && n.Input[1].Length > 0 ? ConstantInts(g, n.Input[1]) : []);
        if (axes is null) return null;
        if (axes.Length == 0 && Attr.GetInt(n, "noop_with_empty_axes", 0) != 0) return s;
        var keep = Attr.GetInt(n, "keepdims", 1) != 0;
        var all = axes.Length == 0;
        var set = axes.Select(a => Normalize(a, s.Count)).ToHashSet();
        var result = new List<Dim>();
        for (int i = 0; i < s.Count; i++)
            if (all || set.Contains(i)) { if (keep) result.Add(Dim.Of(1)); }
            else result.Add(s[i]);
        return result;
    }

    static IReadOnlyList<Dim>? ConcatShape(NodeProto n, List<TensorType?> inputs)
    {
        if (inputs.Any(t => t?.Shape is null)) return null;
        var first = inputs[0]!.Shape!;
        var axis = Normalize(Attr.GetInt(n, "axis", 0), first.Count);
        var result = first.ToArray();
        var along = inputs.Select(t => t!.Shape![axis]).ToList();
        result[axis] = along.All(d => d.IsKnown) ? Dim.Of(along.Sum(d => d.Value!.Value)) : Dim.Unknown;
        return result;
    }

    static IReadOnlyList<Dim>? ExpandShape(NodeProto n, TensorType? x, Dictionary<string, TensorType> types, ShapeValues shapeValues)
    {
        var target = shapeValues.Get(n.Input[1]);
        if (target is not null) return Broadcast(x, new TensorType(0, target));
        return types.TryGetValue(n.Input[1], out var st) && st.Shape is [{ Value: { } len }] && x?.Rank is { } r
            ? Enumerable.Repeat(Dim.Unknown, (int)Math.Max(len, r)).ToList() : null;
    }

    /// <summary>OneHot inserts an axis of length depth into the indices' shape.</summary>
    static IReadOnlyList<Dim>? OneHotShape(NodeProto n, TensorType? indices, ShapeValues shapeValues)
    {
        if (indices?.Shape is not { } s) return null;
        var depth = shapeValues.Get(n.Input[1]) is [var d] ? d : Dim.Unknown;
        var result = s.ToList();
        result.Insert(Normalize(Attr.GetInt(n, "axis", -1), s.Count + 1), depth);
        return result;
    }

    /// <summary>Flatten to [Π dims before axis, Π dims from axis] (see <see cref="Product"/>).</summary>
    static IReadOnlyList<Dim>? FlattenShape(NodeProto n, TensorType? x)
    {
        if (x?.Shape is not { } s) return null;
        var axis = Normalize(Attr.GetInt(n, "axis", 1), s.Count);
        return [Product(s.Take(axis).ToList()), Product(s.Skip(axis).ToList())];
    }

    /// <summary>
    /// The product of dims: a number when all are known; else a symbolic dim named by its factors joined with '*'
    /// ("batch_size*sequence_length", "384*batch"), equal to any other dim of the same factors; unknown when a
    /// factor is unknown and unnamed. <see cref="ProductFactors"/> splits such a name back.
    /// </summary>
    static Dim Product(IReadOnlyList<Dim> dims)
    {
        var symbolic = dims.Where(d => !d.IsKnown).ToList();
        var known = dims.Where(d => d.IsKnown).Aggregate(1L, (p, d) => p * d.Value!.Value);
        if (symbolic.Count == 0) return Dim.Of(known);
        if (known == 0) return Dim.Of(0);
        if (symbolic.Any(d => d.Param is null)) return Dim.Unknown;
        if (symbolic.Count == 1 && known == 1) return symbolic[0];
        var factors = symbolic.Select(d => d.Param!);
        return Dim.Named(string.Join(ProductSeparator, known == 1 ? factors : factors.Prepend(known.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    const char ProductSeparator = '*';

    /// <summary>The factors of a product dim's name (numbers and dim names); a plain name is its own single factor.</summary>
    public static string[] ProductFactors(string param) => param.Split(ProductSeparator);

    /// <summary>Range(0, n, 1) has length n, symbolic or not (position ids); known bounds give ⌈(limit - start) / delta⌉.</summary>
    static Dim RangeLength(NodeProto n, ShapeValues shapeValues)
    {
        if (shapeValues.Get(n.Input[0]) is not [var start] || shapeValues.Get(n.Input[1]) is not [var limit] || shapeValues.Get(n.Input[2]) is not [var delta])
            return Dim.Unknown;
        if (start.Value == 0 && delta.Value == 1 && limit.Value is null) return limit;
        if (start.Value is { } a && limit.Value is { } b && delta.Value is { } d and not 0)
            return Dim.Of(Math.Max(0, (long)Math.Ceiling((b - a) / (double)d)));
        return Dim.Unknown;
    }

    /// <summary>
    /// Slice with known starts/ends/axes/steps (constants or shape values). A slice [0, n) by step 1 with a symbolic n
    /// is taken to have length n: exports slice buffers such as position ids [1, 512] to the sequence length, which
    /// must fit in them for the model to run at all.
    /// </summary>
    static IReadOnlyList<Dim>? SliceShape(NodeProto n, TensorType? x, ShapeValues shapeValues)
    {
        if (x?.Shape is not { } s) return null;
        Dim[]? Input(int i, string attribute) => n.Input.Count > i
            ? (n.Input[i].Length == 0 ? null : shapeValues.Get(n.Input[i]))
            : Attr.GetInts(n, attribute)?.Select(Dim.Of).ToArray();
        var starts = Input(1, "starts");
        var ends = Input(2, "ends");
        if (starts is null || ends is null || starts.Length != ends.Length) return Enumerable.Repeat(Dim.Unknown, s.Count).ToList();
        var axes = Input(3, "axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => Dim.Of(i))];
        var steps = (n.Input.Count > 4 && n.Input[4].Length > 0 ? shapeValues.Get(n.Input[4]) : null) ?? [.. starts.Select(_ => Dim.Of(1))];
        var result = s.ToArray();
        for (int i = 0; i < starts.Length; i++)
        {
            if (i >= axes.Length || axes[i].Value is not { } a || i >= steps.Length) return Enumerable.Repeat(Dim.Unknown, s.Count).ToList();
            var axis = Normalize(a, s.Count);
            result[axis] = SliceLength(s[axis], starts[i], ends[i], steps[i]);
        }
        return result;
    }

    static Dim SliceLength(Dim dim, Dim start, Dim end, Dim step)
    {
        const long End = int.MaxValue;  // exports write "to the end" as INT64_MAX or INT32_MAX
        if (step.Value == 1 && start.Value == 0)
        {
            if (end.Value is null && end.Param is not null) return end;
            if (end.Value >= End) return dim;
        }
        if (dim.Value is not { } size || start.Value is not { } b || end.Value is not { } e || step.Value is not { } st || st == 0) return Dim.Unknown;
        b = b < 0 ? b + size : b;
        e = e < 0 ? e + size : e;
        if (st > 0)
        {
            b = Math.Clamp(b, 0, size);
            e = Math.Clamp(e, 0, size);
            return Dim.Of(Math.Max(0, (e - b + st - 1) / st));
        }
        b = Math.Clamp(b, -1, size - 1);
        e = Math.Clamp(e, -1, size - 1);
        return Dim.Of(Math.Max(0, (b - e - st - 1) / -st));
    }

    static IReadOnlyList<Dim>? ConstantShape(NodeProto n, int input, Dictionary<string, TensorType> types, ShapeValues shapeValues) =>
        (IReadOnlyList<Dim>?)shapeValues.Get(n.Input[input])
        ?? (types.TryGetValue(n.Input[input], out var t) && t.Shape is [{ Value: { } len }] ? Enumerable.Repeat(Dim.Unknown, (int)len).ToList() : null);

    /// <summary>The int64 values of an initializer or a Constant node's output, or null when not constant.</summary>
    public static long[]? ConstantInts(OnnxGraph g, string name)
    {
        var t = g.Initializer(name) ?? (g.Producer(name) is { OpType: OpTypes.Constant } c ? Attr.GetTensor(c, "value") : null);
        return t is { DataType: (int)DataType.Int64 } ? TensorData.ToInt64s(t) : null;
    }

    static int Normalize(long axis, int rank) => (int)(axis < 0 ? axis + rank : axis);
}
