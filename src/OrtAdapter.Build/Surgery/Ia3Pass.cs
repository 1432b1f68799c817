using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// IA³ (Liu et al. 2022): learned vectors that rescale each selected layer's keys <c>l_k ⊙ (xW_k + b_k)</c>, values
/// <c>l_v ⊙ (xW_v + b_v)</c> and the FFN's intermediate activation <c>(l_ff ⊙ act(xW_1 + b_1))W_2</c>. The vectors
/// start at one, so the adapted model equals the base model; every one of them is a per-channel scale next to a
/// frozen linear layer, so the lean export folds it into that layer's weights (<see cref="Export.ChannelScaleFoldPass"/>).
/// </summary>
public sealed class Ia3Pass(Ia3Options? options = null)
{
    /// <summary>The vectors are named <c>adapter.layer    public Ia3Options Options { get; } = options ?? new();lt;i    public Ia3Options Options { get; } = options ?? new();gt;.{key,value,ffn}</c> + this.</summary>
    public const string ScaleSuffix = ".ia3_scale";

    public Ia3Options Options { get; } = options ?? new();

    public AdapterPassResult Apply(OnnxGraph graph, EncoderStructure structure)
    {
        var trainable = new List<string>();
        foreach (var i in structure.SelectLayers(Options.Layers, nameof(Options.Layers)))
        {
            var block = structure.Blocks[i];
            trainable.Add(ScaleOutput(graph, block.Key, $"adapter.layer{i}.key"));
            trainable.Add(ScaleOutput(graph, block.Value, $"adapter.layer{i}.value"));
            trainable.Add(ScaleInput(graph, block.Ffn.Projection, $"adapter.layer{i}.ffn"));
        }
        graph.CleanupAndSort();
        return new AdapterPassResult(trainable, []);
    }

    /// <summary>Every reader of the layer's output reads <c>output ⊙ l</c>, l of the layer's output width.</summary>
    static string ScaleOutput(OnnxGraph g, LinearLayer layer, string prefix)
    {
        var scale = AddOnes(g, prefix, layer.ElemType, layer.OutFeatures);
        var scaled = new OpBuilder(g, prefix).Mul(layer.Output, scale);
        g.ReplaceAllUses(layer.Output, scaled, except: g.Producer(scaled));
        return scale;
    }

    /// <summary>The layer reads <c>input ⊙ l</c>, l of the layer's input width.</summary>
    static string ScaleInput(OnnxGraph g, LinearLayer layer, string prefix)
    {
        var scale = AddOnes(g, prefix, layer.ElemType, layer.InFeatures);
        layer.MatMul.Input[0] = new OpBuilder(g, prefix).Mul(layer.Input, scale);
        g.Invalidate();
        return scale;
    }

    static string AddOnes(OnnxGraph g, string prefix, int elemType, long width)
    {
        var name = prefix + ScaleSuffix;
        if (g.IsDefined(name)) throw new InvalidOperationException($"The graph already has '{name}': IA³ was already applied at {prefix}.");
        g.AddInitializer(WeightInit.Make(name, elemType, Enumerable.Repeat(1.0, (int)width).ToArray(), width));
        return name;
    }
}
