using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// LoRA (Hu et al. 2021) on attention projections: <c>y = xW + b + (alpha/rank)·dropout(x)·A·B</c> with
/// A [H, rank] Kaiming-uniform (as peft) and B [rank, H] zero, so the adapted model equals the base model at
/// initialisation. W and b stay frozen; the export can merge A·B into W. LoRA dropout is not emitted here (eval graphs
/// have none): the branch reads an Identity that the result lists as a <see cref="DropoutPoint"/> for <see cref="DropoutPass"/>.
/// </summary>
public sealed class LoraPass(LoraOptions? options = null)
{
    public LoraOptions Options { get; } = options ?? new();

    public AdapterPassResult Apply(OnnxGraph graph, EncoderStructure structure)
    {
        Options.Validate();
        var trainable = new List<string>();
        var points = new List<DropoutPoint>();
        foreach (var i in structure.SelectLayers(Options.Layers, nameof(Options.Layers)))
        {
            var block = structure.Blocks[i];
            foreach (var (target, name, layer) in new[] { (LoraTargets.Query, "query", block.Query), (LoraTargets.Key, "key", block.Key), (LoraTargets.Value, "value", block.Value) })
                if (Options.Targets.HasFlag(target))
                    Insert(graph, layer, $"adapter.layer{i}.{name}", trainable, points);
        }
        graph.CleanupAndSort();
        return new AdapterPassResult(trainable, points);
    }

    void Insert(OnnxGraph g, LinearLayer layer, string prefix, List<string> trainable, List<DropoutPoint> points)
    {
        string aName = $"{prefix}.lora_a", bName = $"{prefix}.lora_b";
        foreach (var n in new[] { aName, bName })
            if (g.IsDefined(n)) throw new InvalidOperationException($"The graph already has '{n}': LoRA was already applied to {layer}.");
        var elem = layer.ElemType;
        g.AddInitializer(WeightInit.Uniform(aName, elem, 1.0 / Math.Sqrt(layer.InFeatures), Options.Seed, layer.InFeatures, Options.Rank));
        g.AddInitializer(WeightInit.Zeros(bName, elem, Options.Rank, layer.OutFeatures));
        trainable.Add(aName);
        trainable.Add(bName);

        var b = new OpBuilder(g, prefix);
        var x = layer.Input;
        if (Options.Dropout > 0)
        {
            x = b.Identity(x);
            points.Add(new DropoutPoint(x, Options.Dropout));
        }
        var update = b.MatMul(b.MatMul(x, aName), bName);
        var scale = Options.Alpha / Options.Rank;
        if (scale != 1) update = b.Mul(update, b.Scalar(scale, elem));
        var sum = b.Add(layer.Output, update);
        g.ReplaceAllUses(layer.Output, sum, except: g.Producer(sum));
    }
}
