using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Optimizer;

/// <summary>
/// The AdamW step as ONNX nodes, shared by the standalone optimizer graph and the fused training graph. Each element
/// goes through torch's single-tensor AdamW (and clip_grad_norm_) op by op, so results match torch to rounding, but
/// on one flat vector per weight-decay group rather than tensor by tensor: step scalars
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

        // The parameters are updated as one flat vector per weight-decay group (torch's foreach AdamW): every element
        // sees the same arithmetic as in the single-tensor loop, but a step runs ~20 element-wise nodes per group
        // instead of 17 per tensor (817 of a default MiniLM step's 1,875 nodes, a fixed cost at short sequences).
        var groups = slots.GroupBy(s => o.Decays(s.Slot.Parameter)).Select(g => new FlatGroup(b.WithScope(g.Key ? "adamw/decayed" : "adamw/undecayed"), g.Key, [.. g])).ToList();

        // clip_grad_norm_: one norm over all gradients, reported before clipping. Squares are summed in double so
        // the norm is the correctly rounded one whatever the reduction order (torch's cascade sum is as close).
        var gradients = groups.Select(g => g.Flat(s => s.Gradient)).ToList();
        var squares = groups.Select((g, i) => g.B.Op(OpTypes.ReduceSumSquare, [ToS(g.B, gradients[i], elemType)], Attr.Int("keepdims", 0))).ToArray();
        var norm = Rename(graph, ToT(b.Sqrt(squares.Length == 1 ? squares[0] : b.Sum(squares))), AdamWNames.GradNorm);
        graph.Proto.Output.Add(Value(AdamWNames.GradNorm, new TensorType(elemType, [])));
        var clip = o.Clips
            ? b.Min(b.Div(b.Scalar(o.MaxGradNorm!.Value, elemType), b.Add(norm, b.Scalar(1e-6, elemType))), b.Scalar(1, elemType))
            : null;

        foreach (var (group, gradient) in groups.Zip(gradients))
        {
            var p = group.B;
            var g = clip is null ? gradient : p.Mul(gradient, clip);
            var m = Lerp(p, group.Flat(s => s.ExpAvg), g, 1 - o.Beta1, elemType);
            // exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1-beta2): torch evaluates value*g*g left to right.
            var vScaled = p.Mul(group.Flat(s => s.ExpAvgSq), p.Scalar(o.Beta2, elemType));
            var v = p.Add(vScaled, p.Mul(p.Mul(g, p.Scalar(1 - o.Beta2, elemType)), g));
            var denom = p.Add(p.Div(p.Sqrt(v), bc2Sqrt), p.Scalar(o.Epsilon, elemType));
            var parameters = group.Flat(s => s.Parameter);
            var decayed = group.Decays ? p.Mul(parameters, decay!) : parameters;
            // addcdiv_(m, denom, value=-step_size) computes (value * m) / denom.
            var updated = p.Add(decayed, p.Div(p.Mul(m, negStepSize), denom));
            group.Unflatten(graph, updated, s => s.UpdatedParameter);
            group.Unflatten(graph, m, s => s.UpdatedExpAvg);
            group.Unflatten(graph, v, s => s.UpdatedExpAvgSq);
        }
        foreach (var (slot, type) in slots)
            foreach (var name in new[] { slot.UpdatedParameter, slot.UpdatedExpAvg, slot.UpdatedExpAvgSq })
                graph.Proto.Output.Add(Value(name, type));
    }

    /// <summary>The parameters of one weight-decay group, laid end to end in slot order.</summary>
    sealed class FlatGroup(OpBuilder b, bool decays, IReadOnlyList<(AdamWSlot Slot, TensorType Type)> slots)
    {
        readonly long[] _sizes = [.. slots.Select(s => StaticShape(s).Aggregate(1L, (n, d) => n * d))];

        public OpBuilder B => b;
        public bool Decays => decays;

        /// <summary>
        /// Inputs of one Concat, outputs of one Split: WebGPU binds each to a storage buffer and a shader has 10
        /// (onnxruntime-web refuses a Concat of 10 parts), so longer lists are joined and cut in a tree of such nodes.
        /// </summary>
        const int MaxParts = 8;

        /// <summary>The named value of every slot, flattened and concatenated.</summary>
        public string Flat(Func<AdamWSlot, string> value) =>
            Concat([.. slots.Select(s => s.Type.Rank == 1 ? value(s.Slot) : b.Reshape(value(s.Slot), -1))]);

        string Concat(string[] parts) => parts.Length == 1 ? parts[0]
            : parts.Length <= MaxParts ? b.Concat(0, parts)
            : Concat([.. parts.Chunk(MaxParts).Select(Concat)]);

        /// <summary><paramref name="flat"/> cut into pieces of <paramref name="sizes"/>.</summary>
        string[] Split(string flat, long[] sizes)
        {
            if (sizes.Length == 1) return [flat];
            if (sizes.Length <= MaxParts) return b.Split(flat, 0, sizes);
            var chunks = sizes.Chunk((sizes.Length + MaxParts - 1) / MaxParts).ToArray();
            var pieces = Split(flat, [.. chunks.Select(c => c.Sum())]);
            return [.. chunks.SelectMany((c, i) => Split(pieces[i], c))];
        }

        static long[] StaticShape((AdamWSlot Slot, TensorType Type) s) =>
            s.Type.Shape?.Select(d => d.Value ?? -1).ToArray() is { } dims && dims.All(d => d >= 0) ? dims
            : throw new ArgumentException($"AdamW: parameter '{s.Slot.Parameter}' has the shape {s.Type}; the optimizer needs static shapes.");

        /// <summary>Cuts a flat vector back into the slots' shapes, under the names <paramref name="name"/> gives.</summary>
        public void Unflatten(OnnxGraph graph, string flat, Func<AdamWSlot, string> name)
        {
            var parts = Split(flat, _sizes);
            for (int i = 0; i < slots.Count; i++)
            {
                var (slot, type) = slots[i];
                var shaped = type.Rank == 1 ? parts[i] : b.Reshape(parts[i], StaticShape(slots[i]));
                Rename(graph, shaped, name(slot));
            }
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

    /// <summary>Gives the node that produced <paramref name="value"/> the public output name; its readers follow.</summary>
    static string Rename(OnnxGraph graph, string value, string name)
    {
        var node = graph.Producer(value) ?? throw new InvalidOperationException($"AdamW: value '{value}' has no producer.");
        foreach (var reader in graph.Consumers(value))
            for (int i = 0; i < reader.Input.Count; i++)
                if (reader.Input[i] == value) reader.Input[i] = name;
        node.Output[node.Output.IndexOf(value)] = name;
        graph.Invalidate();
        return name;
    }

    internal static ValueInfoProto Value(string name, TensorType type) => new() { Name = name, Type = type.ToTypeProto() };
}
