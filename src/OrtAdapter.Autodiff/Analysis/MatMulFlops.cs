using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Autodiff.Analysis;

/// <summary>FLOPs of one MatMul or Gemm node (2·M·K·N, times the batch), or null when its shapes are not known.</summary>
public sealed record MatMulCost(string Node, string OpType, bool IsGradient, long? Flops);

/// <summary>MatMul/Gemm FLOPs of a graph, split into forward nodes and nodes emitted by <see cref="GradientBuilder"/>.</summary>
public sealed record MatMulFlopReport(IReadOnlyList<MatMulCost> Nodes)
{
    public long Forward => Nodes.Where(n => !n.IsGradient).Sum(n => n.Flops ?? 0);
    public long Gradient => Nodes.Where(n => n.IsGradient).Sum(n => n.Flops ?? 0);

    /// <summary>Nodes whose FLOPs could not be counted (a dim stayed unknown); their cost is missing from the sums.</summary>
    public IReadOnlyList<MatMulCost> Unresolved => Nodes.Where(n => n.Flops is null).ToList();

    /// <summary>Backward/forward FLOP ratio (0 when the forward has none).</summary>
    public double Ratio => Forward == 0 ? 0 : (double)Gradient / Forward;
}

/// <summary>
/// Counts 2·M·K·N per MatMul/Gemm (and MatMulInteger: int8 products count as the FLOPs they stand for) from <see cref="ShapeInference"/> shapes, with symbolic dims (batch_size,
/// sequence_length, ... and products of them such as batch_size*sequence_length) replaced by the given sizes. A node is a gradient node when its name lies under a
/// gradient scope ("grad/..." or ".../grad/..."), which is how <see cref="GradientBuilder"/> names what it emits.
/// </summary>
public static class MatMulFlops
{
    public static MatMulFlopReport Count(ModelProto model, IReadOnlyDictionary<string, long> dimValues)
    {
        var graph = new OnnxGraph(model);
        var types = ShapeInference.Infer(graph);
        long? Factor(string f) => long.TryParse(f, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : dimValues.TryGetValue(f, out var v) ? v : null;
        long? Size(Dim d) => d.Value ?? (d.Param is { } p ? ShapeInference.ProductFactors(p).Aggregate((long?)1, (acc, f) => acc * Factor(f)) : null);
        long?[]? ShapeOf(string value) => types.TryGetValue(value, out var t) && t.Shape is { } s ? s.Select(Size).ToArray() : null;

        var costs = new List<MatMulCost>();
        foreach (var node in graph.Nodes)
        {
            long? flops = node.OpType switch
            {
                OpTypes.MatMul or OpTypes.MatMulInteger => MatMul(ShapeOf(node.Input[0]), ShapeOf(node.Output[0])),
                OpTypes.Gemm => Gemm(node, ShapeOf(node.Input[0]), ShapeOf(node.Output[0])),
                _ => null,
            };
            if (node.OpType is OpTypes.MatMul or OpTypes.MatMulInteger or OpTypes.Gemm) costs.Add(new MatMulCost(node.Name, node.OpType, IsGradient(node.Name), flops));
        }
        return new MatMulFlopReport(costs);
    }

    /// <summary>True for names the gradient engine emits: "grad/..." (seed) or "{node}/grad/..." (rules, sums).</summary>
    public static bool IsGradient(string nodeName) => nodeName.StartsWith("grad/", StringComparison.Ordinal) || nodeName.Contains("/grad/", StringComparison.Ordinal);

    // Every output element is a K-long dot product: 2·K·|Y| (covers batched, broadcast and 1-D operands alike).
    static long? MatMul(long?[]? a, long?[]? y)
    {
        if (a is not { Length: > 0 } || y is null || a[^1] is not { } k || Product(y) is not { } n) return null;
        return 2 * k * n;
    }

    static long? Gemm(NodeProto node, long?[]? a, long?[]? y)
    {
        if (a is not { Length: 2 } || y is null) return null;
        var k = Attr.GetInt(node, "transA", 0) != 0 ? a[0] : a[1];
        return k is { } kk && Product(y) is { } n ? 2 * kk * n : null;
    }

    static long? Product(long?[] dims) => dims.Aggregate((long?)1, (p, d) => p * d);
}
