using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// <see cref="ShapeInference"/> plus the shape arithmetic of exports: a Reshape, Expand, Slice, Range or
/// ConstantOfShape whose shape input is computed from <c>Shape(x)</c> gets x's symbolic dims (batch_size,
/// sequence_length) instead of unknowns. Each refinement is exact (it evaluates the shape tensor element by element);
/// refined shapes are declared as temporary value_info so the stock inference propagates them, and removed after.
/// </summary>
internal static class SymbolicShapes
{
    public static Dictionary<string, TensorType> Infer(OnnxGraph g)
    {
        var declared = g.Proto.ValueInfo.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var injected = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
        try
        {
            var types = ShapeInference.Infer(g);
            for (int round = 0; round < 16; round++)
            {
                int added = 0;
                foreach (var n in g.TopologicalOrder())
                {
                    if (n.Output.Count == 0 || declared.Contains(n.Output[0]) || !types.TryGetValue(n.Output[0], out var t)) continue;
                    if (Refine(g, n, types) is not { } refined || Resolved(refined) <= Resolved(t.Shape)) continue;
                    if (!injected.TryGetValue(n.Output[0], out var vi))
                    {
                        injected[n.Output[0]] = vi = new ValueInfoProto { Name = n.Output[0] };
                        g.Proto.ValueInfo.Add(vi);
                    }
                    vi.Type = new TensorType(t.ElemType, refined).ToTypeProto();
                    added++;
                }
                if (added == 0) break;
                types = ShapeInference.Infer(g);
            }
            return types;
        }
        finally
        {
            foreach (var vi in injected.Values) g.Proto.ValueInfo.Remove(vi);
        }
    }

    static int Resolved(IReadOnlyList<Dim>? shape) => shape is null ? -1 : shape.Count(d => d.Value is not null || d.Param is not null);

    static IReadOnlyList<Dim>? Refine(OnnxGraph g, NodeProto n, Dictionary<string, TensorType> types)
    {
        IReadOnlyList<Dim>? In(int i) => i < n.Input.Count && types.TryGetValue(n.Input[i], out var t) ? t.Shape : null;
        switch (n.OpType)
        {
            case OpTypes.Reshape:
                return Eval(g, n.Input[1], types) is { } target && In(0) is { } x ? ReshapeDims(x, target, Attr.GetInt(n, "allowzero", 0) != 0) : null;
            case OpTypes.Expand:
                return Eval(g, n.Input[1], types) is { } shape && In(0) is { } xs ? ShapeInference.Broadcast(new(0, xs), new(0, shape)) : null;
            case OpTypes.ConstantOfShape:
                return Eval(g, n.Input[0], types);
            case OpTypes.Range:
                return Eval(g, n.Input[0], types) is [{ Value: 0 }] && Eval(g, n.Input[2], types) is [{ Value: 1 }] && Eval(g, n.Input[1], types) is [var limit]
                    ? [limit] : null;
            case OpTypes.Slice:
                return In(0) is { } data ? SliceDims(g, n, data, types) : null;
            default:
                return null;
        }
    }

    // 0 copies the input dim, -1 is what remains once the other dims are divided out (symbolically: named dims cancel).
    static IReadOnlyList<Dim>? ReshapeDims(IReadOnlyList<Dim> x, IReadOnlyList<Dim> target, bool allowZero)
    {
        var dims = target.Select((d, i) => d.Value == 0 && !allowZero ? (i < x.Count ? x[i] : Dim.Unknown) : d).ToArray();
        var minus = Array.FindIndex(dims, d => d.Value == -1);
        if (minus < 0) return dims;
        var names = x.Where(d => d.Param is not null).Select(d => d.Param!).ToList();
        long numerator = 1, denominator = 1;
        if (x.Any(d => d.Value is null && d.Param is null)) { dims[minus] = Dim.Unknown; return dims; }
        foreach (var d in x) if (d.Value is { } v) numerator *= v;
        for (int i = 0; i < dims.Length; i++)
        {
            if (i == minus) continue;
            if (dims[i].Value is { } v) denominator *= v;
            else if (dims[i].Param is { } p && names.Remove(p)) { }
            else { dims[minus] = Dim.Unknown; return dims; }
        }
        dims[minus] = names.Count == 0 && denominator != 0 && numerator % denominator == 0 ? Dim.Of(numerator / denominator)
            : names.Count == 1 && numerator == denominator ? Dim.Named(names[0]) : Dim.Unknown;
        return dims;
    }

    // Only the common slices from 0 with step 1; an end taken from a symbolic dim gives that dim (the slice of
    // position ids up to sequence_length).
    static IReadOnlyList<Dim>? SliceDims(OnnxGraph g, NodeProto n, IReadOnlyList<Dim> data, Dictionary<string, TensorType> types)
    {
        if (n.Input.Count < 3) return null;
        var starts = Eval(g, n.Input[1], types);
        var ends = Eval(g, n.Input[2], types);
        var axes = n.Input.Count > 3 && n.Input[3].Length > 0 ? Eval(g, n.Input[3], types) : starts?.Select((_, i) => Dim.Of(i)).ToList();
        var steps = n.Input.Count > 4 && n.Input[4].Length > 0 ? Eval(g, n.Input[4], types) : null;
        if (starts is null || ends is null || axes is null || axes.Any(a => a.Value is null)) return null;
        var result = data.ToArray();
        for (int i = 0; i < axes.Count; i++)
        {
            var axis = (int)(axes[i].Value!.Value < 0 ? axes[i].Value!.Value + data.Count : axes[i].Value!.Value);
            if (axis < 0 || axis >= data.Count) return null;
            bool simple = starts[i].Value == 0 && (steps is null || steps[i].Value == 1);
            result[axis] = !simple ? Dim.Unknown
                : ends[i].Param is not null ? ends[i]
                : ends[i].Value is { } e && data[axis].Value is { } size ? Dim.Of(Math.Min(e, size))
                : Dim.Unknown;
        }
        return result;
    }

    /// <summary>The elements of an int shape tensor as dims (a scalar as one element), or null when not derivable.</summary>
    static List<Dim>? Eval(OnnxGraph g, string name, Dictionary<string, TensorType> types, int depth = 0)
    {
        if (depth > 32 || name.Length == 0) return null;
        if (GraphConstants.Resolve(g, name) is { } c)
            return c.DataType is (int)TensorProto.Types.DataType.Int64 or (int)TensorProto.Types.DataType.Int32
                ? [.. TensorData.ToDoublesConverting(c).Select(v => Dim.Of((long)v))] : null;
        var n = g.Producer(name);
        switch (n?.OpType)
        {
            case OpTypes.Shape:
                if (!types.TryGetValue(n.Input[0], out var t) || t.Shape is not { } s) return null;
                int start = (int)Attr.GetInt(n, "start", 0), end = (int)Attr.GetInt(n, "end", s.Count);
                start = Math.Clamp(start < 0 ? start + s.Count : start, 0, s.Count);
                end = Math.Clamp(end < 0 ? end + s.Count : end, 0, s.Count);
                return [.. s.Skip(start).Take(Math.Max(0, end - start))];
            case OpTypes.Gather when Attr.GetInt(n, "axis", 0) == 0:
                var data = Eval(g, n.Input[0], types, depth + 1);
                var idx = GraphConstants.Resolve(g, n.Input[1]) is { } it ? TensorData.ToDoublesConverting(it) : null;
                if (data is null || idx is null) return null;
                var picked = new List<Dim>();
                foreach (var raw in idx)
                {
                    var i = (int)(raw < 0 ? raw + data.Count : raw);
                    if (i < 0 || i >= data.Count) return null;
                    picked.Add(data[i]);
                }
                return picked;
            case OpTypes.Unsqueeze or OpTypes.Squeeze or OpTypes.Cast or OpTypes.Identity:
                return Eval(g, n.Input[0], types, depth + 1);
            case OpTypes.Concat:
                var all = new List<Dim>();
                foreach (var input in n.Input)
                {
                    if (Eval(g, input, types, depth + 1) is not { } part) return null;
                    all.AddRange(part);
                }
                return all;
            default:
                return null;
        }
    }
}
