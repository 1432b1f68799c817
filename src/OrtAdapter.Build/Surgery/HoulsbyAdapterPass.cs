using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Houlsby adapters (Houlsby et al. 2019): a bottleneck after the attention output projection and after the FFN
/// output projection of each selected layer, before the residual add. Base initializers are not touched.
/// </summary>
public sealed class HoulsbyAdapterPass(BottleneckAdapterOptions? options = null)
{
    public BottleneckAdapterOptions Options { get; } = options ?? new();

    public AdapterPassResult Apply(OnnxGraph graph, EncoderStructure structure)
    {
        Options.Validate();
        var trainable = new List<string>();
        foreach (var i in structure.SelectLayers(Options.Layers, nameof(Options.Layers)))
        {
            var block = structure.Blocks[i];
            trainable.AddRange(BottleneckAdapter.Insert(graph, block.Attention, $"adapter.layer{i}.attn", structure.HiddenSize, Options));
            trainable.AddRange(BottleneckAdapter.Insert(graph, block.Ffn, $"adapter.layer{i}.ffn", structure.HiddenSize, Options));
        }
        graph.CleanupAndSort();
        return new AdapterPassResult(trainable, []);
    }
}
