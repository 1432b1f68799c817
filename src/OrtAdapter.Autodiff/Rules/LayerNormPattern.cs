using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Autodiff;

/// <summary>
/// LayerNorm as exported below opset 17, op by op: μ = mean(x), d = x - μ, σ = √(mean(d²) + ε), x̂ = d / σ,
/// y = x̂ γ + β (means over the trailing axes, kept). Node by node its backward is about thirteen passes over
/// the activations plus Expands and fan-ins; the closed form reuses x̂ and σ from the forward pass and takes six:
/// dx = (g - mean(g) - x̂ mean(g x̂)) / σ with g = dy γ; dγ = Σ dy x̂, dβ = Σ dy over the leading axes.
/// </summary>
static class LayerNormPattern
{
    public const string Name = "LayerNormalization (decomposed)";

    /// <summary>Matches Add(Mul(Div(d, Sqrt(Add(ReduceMean(d²), ε))), γ), β) with d = Sub(x, ReduceMean(x)), operands in either order.</summary>
    public static PatternMatch? Match(OnnxGraph graph, NodeProto root, IReadOnlyDictionary<string, TensorType> types)
    {
        if (root.OpType != OpTypes.Add || root.Input.Count != 2) return null;
        for (int side = 0; side < 2; side++)
        {
            string scaled = root.Input[side], bias = root.Input[1 - side];
            if (graph.Producer(scaled) is not { OpType: OpTypes.Mul, Input.Count: 2 } mul) continue;
            for (int s = 0; s < 2; s++)
            {
                string xhat = mul.Input[s], gamma = mul.Input[1 - s];
                if (MatchNormalized(graph, types, xhat) is not { } n) continue;
                var node = new NodeProto { OpType = Name, Name = root.Name, Input = { n.X, gamma, bias, xhat, n.Sigma }, Output = { root.Output[0] } };
                node.Attribute.Add(Attr.Ints("axes", n.Axes));
                return new PatternMatch(Name, [.. n.Nodes, mul], node, Rule);
            }
        }
        return null;
    }

    // Inputs: x, γ, β, x̂, σ; attribute axes. Output: y = x̂ γ + β.
    static void Rule(GradContext c)
    {
        var (x, gamma, bias, xhat, sigma, dy, b) = (c.I(0), c.I(1), c.I(2), c.I(3), c.I(4), c.GO(0)!, c.B);
        var axes = c.Ints("axes")!;
        if (c.Needs(2)) c.GI(2, c.ReduceToShapeOf(dy, bias));
        if (c.Needs(1)) c.GI(1, c.ReduceToShapeOf(b.Mul(dy, xhat), gamma));
        if (!c.Needs(0)) return;
        var g = b.Mul(dy, gamma);
        var inner = b.Sub(b.Sub(g, b.ReduceMean(g, axes)), b.Mul(xhat, b.ReduceMean(b.Mul(g, xhat), axes)));
        c.GI(0, b.Div(inner, sigma));
    }

    sealed record Normalized(string X, string Sigma, long[] Axes, NodeProto[] Nodes);

    /// <summary>x̂ = Div(d, σ), σ = Sqrt(Add(ReduceMean(Pow(d, 2) or Mul(d, d)), ε)), d = Sub(x, ReduceMean(x)), the same trailing axes.</summary>
    static Normalized? MatchNormalized(OnnxGraph graph, IReadOnlyDictionary<string, TensorType> types, string xhat)
    {
        if (graph.Producer(xhat) is not { OpType: OpTypes.Div, Input.Count: 2 } div) return null;
        var (d, sigma) = (div.Input[0], div.Input[1]);
        if (graph.Producer(sigma) is not { OpType: OpTypes.Sqrt } sqrt) return null;
        if (graph.Producer(sqrt.Input[0]) is not { OpType: OpTypes.Add } addEps) return null;
        var variance = addEps.Input.FirstOrDefault(i => GraphConstants.ScalarValue(graph, i) is null);
        if (variance is null || addEps.Input.Count != 2 || GraphConstants.ScalarValue(graph, addEps.Input.First(i => i != variance)) is not > 0) return null;
        if (graph.Producer(variance) is not { OpType: OpTypes.ReduceMean } meanSquare || MeanAxes(graph, types, meanSquare) is not { } axes) return null;
        if (graph.Producer(meanSquare.Input[0]) is not { } square || !IsSquareOf(graph, square, d)) return null;
        if (graph.Producer(d) is not { OpType: OpTypes.Sub, Input.Count: 2 } sub) return null;
        var x = sub.Input[0];
        if (graph.Producer(sub.Input[1]) is not { OpType: OpTypes.ReduceMean } mean || mean.Input[0] != x) return null;
        if (MeanAxes(graph, types, mean) is not { } meanAxes || !meanAxes.SequenceEqual(axes)) return null;
        return new Normalized(x, sigma, axes, [mean, sub, square, meanSquare, addEps, sqrt, div]);
    }

    static bool IsSquareOf(OnnxGraph graph, NodeProto node, string d) => node.OpType switch
    {
        OpTypes.Pow => node.Input.Count == 2 && node.Input[0] == d && GraphConstants.IsScalar(graph, node.Input[1], 2),
        OpTypes.Mul => node.Input.Count == 2 && node.Input[0] == d && node.Input[1] == d,
        _ => false,
    };

    /// <summary>A kept-dims ReduceMean's axes (attribute, or constant input from opset 18), when they are the trailing ones.</summary>
    static long[]? MeanAxes(OnnxGraph graph, IReadOnlyDictionary<string, TensorType> types, NodeProto mean)
    {
        if (Attr.GetInt(mean, "keepdims", 1) != 1) return null;
        var axes = Attr.GetInts(mean, "axes") ?? (mean.Input.Count > 1 ? ShapeInference.ConstantInts(graph, mean.Input[1]) : null);
        var rank = types.GetValueOrDefault(mean.Input[0])?.Rank;
        if (axes is not { Length: > 0 } || rank is not int r) return null;
        var normalized = axes.Select(a => a < 0 ? a + r : a).Order().ToArray();
        return normalized.SequenceEqual(Enumerable.Range(r - normalized.Length, normalized.Length).Select(a => (long)a)) ? axes : null;
    }
}
