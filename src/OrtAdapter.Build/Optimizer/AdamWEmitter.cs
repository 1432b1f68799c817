using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Optimizer;

/// <summary>
/// The AdamW step as ONNX nodes, shared by the standalone optimizer graph and the fused training graph. It follows
/// torch's single-tensor AdamW (and clip_grad_norm_) op by op, so results match torch to rounding: step scalars
/// (bias corrections, step size, decay factor) in double as torch computes them in Python floats, tensor math in
/// the parameters' type.
/// </summary>
internal static class AdamWEmitter
{
    const int D = (int)DataType.Double;

    /// <summary>Emits the step; every value the slots name and the two scalar inputs must already be defined.</summary>
    public static void Emit(OnnxGraph graph, IReadOnlyList<(AdamWSlot Slot, TensorType Type)> slots, int elemType, AdamWOptions o)
    {
        var b = new OpBuilder(graph, "adamw");
        string ToT(string x) => elemType == D ? x : b.Cast(x, elemType);

        var lr = b.Cast(AdamWNames.LearningRate, D);
        var t = b.Cast(AdamWNames.Step, D);
        var one = b.Scalar(1, D);
        var bc1 = b.Sub(one, b.Pow(b.Scalar(o.Beta1, D), t));
        var bc2 = b.Sub(one, b.Pow(b.Scalar(o.Beta2, D), t));
        var negStepSize = ToT(b.Neg(b.Div(lr, bc1)));
        var bc2Sqrt = ToT(b.Sqrt(bc2));
        var decay = slots.Any(s => o.Decays(s.Slot.Parameter)) ? ToT(b.Sub(one, b.Mul(lr, b.Scalar(o.WeightDecay, D)))) : null;

        // clip_grad_norm_: one norm over all gradients, reported before clipping. Squares are summed in double so
        // the norm is the correctly rounded one whatever the reduction order (torch's cascade sum is as close).
        var squares = slots.Select(s =>
        {
            var p = b.WithScope($"adamw/{s.Slot.Parameter}");
            var g = elemType == D ? s.Slot.Gradient : p.Cast(s.Slot.Gradient, D);
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
