using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Recognises a layer norm that reads a given value: a LayerNormalization node, or the opset-14 decomposition
/// <c>d = x - mean(x); y = d / sqrt(mean(d^2) + eps) * gamma + beta</c> with constant gamma and beta.
/// </summary>
internal static class LayerNormMatcher
{
    /// <summary>The layer norm reading <paramref name="value"/>, or null with <paramref name="failure"/> saying where matching stopped.</summary>
    public static LayerNormMatch? Match(OnnxGraph g, string value, out string failure)
    {
        failure = "";
        var consumers = g.Consumers(value);
        if (consumers.FirstOrDefault(n => n.OpType == OpTypes.LayerNormalization && n.Input[0] == value) is { } ln)
            return new LayerNormMatch(value, ln.Output[0], ln, Decomposed: false);
        if (consumers.FirstOrDefault(n => n.OpType == OpTypes.ReduceMean && n.Input[0] == value && OverOneAxis(g, n)) is not { } mean)
        {
            failure = $"no LayerNormalization or ReduceMean reads '{value}'; its consumers are {GraphDescriptions.DescribeConsumers(g, value)}";
            return null;
        }
        return MatchDecomposed(g, value, mean, out failure);
    }

    static LayerNormMatch? MatchDecomposed(OnnxGraph g, string x, NodeProto mean, out string failure)
    {
        failure = "";
        var sub = g.Consumers(x).FirstOrDefault(n => n.OpType == OpTypes.Sub && n.Input[0] == x && n.Input[1] == mean.Output[0]);
        if (sub is null) return Fail(g, mean.Output[0], "Sub(x, mean)", out failure);
        var d = sub.Output[0];
        var pow = g.Consumers(d).FirstOrDefault(n => n.OpType == OpTypes.Pow && n.Input[0] == d && GraphConstants.ScalarValue(g, n.Input[1]) == 2);
        if (pow is null) return Fail(g, d, "Pow(d, 2)", out failure);
        if (Single(g, pow.Output[0], OpTypes.ReduceMean) is not { } variance || !OverOneAxis(g, variance)) return Fail(g, pow.Output[0], "ReduceMean (variance)", out failure);
        if (Single(g, variance.Output[0], OpTypes.Add) is not { } addEps || !OtherIsConstant(g, addEps, variance.Output[0]))
            return Fail(g, variance.Output[0], "Add(variance, eps)", out failure);
        if (Single(g, addEps.Output[0], OpTypes.Sqrt) is not { } sqrt) return Fail(g, addEps.Output[0], "Sqrt", out failure);
        var div = g.Consumers(sqrt.Output[0]).FirstOrDefault(n => n.OpType == OpTypes.Div && n.Input[0] == d && n.Input[1] == sqrt.Output[0]);
        if (div is null) return Fail(g, sqrt.Output[0], "Div(d, sqrt)", out failure);
        if (Single(g, div.Output[0], OpTypes.Mul) is not { } scale || !OtherIsConstant(g, scale, div.Output[0]))
            return Fail(g, div.Output[0], "Mul(normalised, gamma)", out failure);
        if (Single(g, scale.Output[0], OpTypes.Add) is not { } shift || !OtherIsConstant(g, shift, scale.Output[0]))
            return Fail(g, scale.Output[0], "Add(scaled, beta)", out failure);
        return new LayerNormMatch(x, shift.Output[0], mean, Decomposed: true);
    }

    // A layer norm's means run over one (the last) axis: axes as an attribute before opset 18, as an input after.
    static bool OverOneAxis(OnnxGraph g, NodeProto reduceMean) =>
        (Attr.GetInts(reduceMean, "axes") ?? (reduceMean.Input.Count > 1 ? ShapeInference.ConstantInts(g, reduceMean.Input[1]) : null)) is [_];

    static NodeProto? Single(OnnxGraph g, string value, string opType) =>
        g.Consumers(value) is [{ } only] && only.OpType == opType && !g.IsGraphOutput(value) ? only : null;

    static bool OtherIsConstant(OnnxGraph g, NodeProto binary, string value) =>
        binary.Input.Count == 2 && GraphConstants.IsConstant(g, binary.Input[0] == value ? binary.Input[1] : binary.Input[0]);

    static LayerNormMatch? Fail(OnnxGraph g, string value, string expected, out string failure)
    {
        failure = $"decomposed layer norm: expected {expected} after '{value}', found {GraphDescriptions.DescribeConsumers(g, value)}";
        return null;
    }
}
