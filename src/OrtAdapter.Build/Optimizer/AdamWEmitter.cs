using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Optimizer;

/// <summary>
/// The AdamW step as ONNX nodes, shared by the standalone optimizer graph and the fused training graph. It follows
/// torch's single-tensor AdamW (and clip_grad_norm_) op by op, so results match torch to rounding: step scalars
/// (bias corrections, step size, decay factor) in double as torch computes them in Python floats (float32 with
/// <see cref="AdamWOptions.Float32Scalars"/>), tensor math in the parameters' type.
/// </summary>
internal static class AdamWEmitter
{
    const int D = (int)DataType.Double;

    /// <summary>Emits the step; every value the slots name and the two scalar inputs must already be defined.</summary>
    public static void Emit(OnnxGraph graph, IReadOnlyList<(AdamWSlot Slot, TensorType Type)> slots, int elemType, AdamWOptions o)
    {
        var b = new OpBuilder(graph, "adamw");
        // S: the scalars' type. Casts only where the types differ, so a float32-scalar graph has no Cast at all.
        int S = o.Float32Scalars ? (int)DataType.Float : D;
        string ToT(string x) => elemType == S ? x : b.Cast(x, elemType);
        string ToS(OpBuilder on, string x, int type) => type == S ? x : on.Cast(x, S);

        var lr = ToS(b, AdamWNames.LearningRate, (int)DataType.Float);
        var t = b.Cast(AdamWNames.Step, S);
        var one = b.Scalar(1, S);
        var bc1 = BiasCorrection(b, o.Beta1, t, S);
        var bc2 = BiasCorrection(b, o.Beta2, t, S);
        var negStepSize = ToT(b.Neg(b.Div(lr, bc1)));
        var bc2Sqrt = ToT(b.Sqrt(bc2));
        var decay = slots.Any(s => o.Decays(s.Slot.Parameter)) ? ToT(b.Sub(one, b.Mul(lr, b.Scalar(o.WeightDecay, S)))) : null;

        // clip_grad_norm_: one norm over all gradients, reported before clipping. Squares are summed in double so
        // the norm is the correctly rounded one whatever the reduction order (torch's cascade sum is as close).
        var squares = slots.Select(s =>
        {
            var p = b.WithScope($"adamw/{s.Slot.Parameter}");
            var g = ToS(p, s.Slot.Gradient, elemType);
            return p.Op(OpTypes.ReduceSumSquare, [g], Attr.Int("keepdims", 0));
        }).ToArray();
        var norm = Rename(graph, ToT(b.Sqrt(b.Sum(squares))), AdamWNames.GradNorm);
        graph.Proto.Output.Add(Value(AdamWNames.GradNorm, new TensorType(elemType, [])));
        var clip = o.Clips
            ? b.Min(b.Div(b.Scalar(o.MaxGradNorm!.Value, elemType), b.Add(norm, b.Scalar(1e-6, elemType))), b.Scalar(1, elemType))
            : null;

        foreach (var (slot, type) in slots)
        {
            var p = b.WithScope($"adamw/{slot.Parameter}");
            var g = clip is null ? slot.Gradient : p.Mul(slot.Gradient, clip);
            var m = Rename(graph, Lerp(p, slot.ExpAvg, g, 1 - o.Beta1, elemType), slot.UpdatedExpAvg);
            // exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1-beta2): torch evaluates value*g*g left to right.
            var vScaled = p.Mul(slot.ExpAvgSq, p.Scalar(o.Beta2, elemType));
            var v = Rename(graph, p.Add(vScaled, p.Mul(p.Mul(g, p.Scalar(1 - o.Beta2, elemType)), g)), slot.UpdatedExpAvgSq);
            var denom = p.Add(p.Div(p.Sqrt(v), bc2Sqrt), p.Scalar(o.Epsilon, elemType));
            var decayed = o.Decays(slot.Parameter) ? p.Mul(slot.Parameter, decay!) : slot.Parameter;
            // addcdiv_(m, denom, value=-step_size) computes (value * m) / denom.
            Rename(graph, p.Add(decayed, p.Div(p.Mul(m, negStepSize), denom)), slot.UpdatedParameter);
            foreach (var name in new[] { slot.UpdatedParameter, slot.UpdatedExpAvg, slot.UpdatedExpAvgSq })
                graph.Proto.Output.Add(Value(name, type));
        }
    }

    /// <summary>
    /// 1 - beta^t. In double as torch does. In float32, 1 - Pow(beta, t) would cancel: 1 - 0.999f is 1.3e-5 off in
    /// relative terms, which moves the first step's update by 6e-6 of itself. So it is -expm1(t·ln beta), with ln beta
    /// rounded once from double and expm1 by Kahan's trick (u = exp(x): (u - 1)·x / ln u, exact to a few ulps; x where
    /// u rounds to 1).
    /// </summary>
    static string BiasCorrection(OpBuilder b, double beta, string t, int type)
    {
        if (type == D) return b.Sub(b.Scalar(1, D), b.Pow(b.Scalar(beta, D), t));
        if (beta == 0) return b.Scalar(1, type);
        var x = b.Mul(t, b.Scalar(Math.Log(beta), type));
        var u = b.Exp(x);
        var expm1 = b.Where(b.Equal(u, b.Scalar(1, type)), x, b.Div(b.Mul(b.Sub(u, b.Scalar(1, type)), x), b.Log(u)));
        return b.Neg(expm1);
    }

    /// <summary>torch.lerp with a scalar weight, in its two numerically different branches.</summary>
    static string Lerp(OpBuilder b, string start, string end, double weight, int elemType)
    {
        var diff = b.Sub(end, start);
        if (weight < 0.5) return b.Add(start, b.Mul(b.Scalar(weight, elemType), diff));
        // torch computes 1 - weight in the tensor's type from the already rounded weight.
        var complement = elemType == D ? 1 - weight : (double)(1f - (float)weight);
        return b.Sub(end, b.Mul(diff, b.Scalar(complement, elemType)));
    }

    /// <summary>Gives the node that produced <paramref name="value"/> the public output name.</summary>
    static string Rename(OnnxGraph graph, string value, string name)
    {
        var node = graph.Producer(value) ?? throw new InvalidOperationException($"AdamW: value '{value}' has no producer.");
        node.Output[node.Output.IndexOf(value)] = name;
        graph.Invalidate();
        return name;
    }

    internal static ValueInfoProto Value(string name, TensorType type) => new() { Name = name, Type = type.ToTypeProto() };
}
