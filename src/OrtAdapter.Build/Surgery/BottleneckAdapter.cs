using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Emits <c>h + up(act(down(h)))</c> into a residual Add's sublayer input: down [H, H/r] random, up [H/r, H] and
/// both biases zero, so the adapted model equals the base model until training moves the up-projection.
/// </summary>
internal static class BottleneckAdapter
{
    /// <param name="prefix">Name prefix, e.g. "adapter.layer0.attn": initializers are prefix.down.weight etc.</param>
    public static IEnumerable<string> Insert(OnnxGraph g, ResidualSublayer site, string prefix, long hidden, BottleneckAdapterOptions o)
    {
        var elem = site.Projection.ElemType;
        if (o.ReductionFactor > hidden)
            throw new ArgumentException($"--reduction {o.ReductionFactor} is larger than the hidden size {hidden}: the bottleneck would be narrower than one unit (use at most {hidden}).");
        var width = hidden / o.ReductionFactor;
        TensorInit[] tensors =
        [
            new($"{prefix}.down.weight", () => o.InitStd is { } std
                ? WeightInit.Normal($"{prefix}.down.weight", elem, std, o.Seed, hidden, width)
                : WeightInit.Uniform($"{prefix}.down.weight", elem, 1.0 / Math.Sqrt(hidden), o.Seed, hidden, width)),
            new($"{prefix}.down.bias", () => o.InitStd is null
                ? WeightInit.Uniform($"{prefix}.down.bias", elem, 1.0 / Math.Sqrt(hidden), o.Seed, width)
                : WeightInit.Zeros($"{prefix}.down.bias", elem, width)),
            new($"{prefix}.up.weight", () => WeightInit.Zeros($"{prefix}.up.weight", elem, width, hidden)),
            new($"{prefix}.up.bias", () => WeightInit.Zeros($"{prefix}.up.bias", elem, hidden)),
        ];
        foreach (var t in tensors)
            if (g.IsDefined(t.Name)) throw new InvalidOperationException($"The graph already has '{t.Name}': adapters were already inserted at {prefix}.");
        foreach (var t in tensors) g.AddInitializer(t.Make());

        var b = new OpBuilder(g, prefix);
        var h = site.Residual.Input[site.ResidualSlot];
        var down = b.Add(b.MatMul(h, tensors[0].Name), tensors[1].Name);
        var up = b.Add(b.MatMul(Activate(b, down, o.Activation, elem), tensors[2].Name), tensors[3].Name);
        site.Residual.Input[site.ResidualSlot] = b.Add(h, up);
        g.Invalidate();
        return tensors.Select(t => t.Name);
    }

    public static string Activate(OpBuilder b, string x, AdapterActivation activation, int elem) => activation switch
    {
        AdapterActivation.Relu => b.Relu(x),
        AdapterActivation.Tanh => b.Tanh(x),
        AdapterActivation.Gelu => b.Mul(b.Mul(x, b.Scalar(0.5, elem)), b.Add(b.Scalar(1.0, elem), b.Erf(b.Mul(x, b.Scalar(1.0 / Math.Sqrt(2.0), elem))))),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), $"Unknown adapter activation {activation}."),
    };

    sealed record TensorInit(string Name, Func<Onnx.Protobuf.TensorProto> Make);
}
