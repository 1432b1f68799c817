using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Pfeiffer adapters (Pfeiffer et al. 2021): one bottleneck per selected layer, after the FFN output projection,
/// before the residual add. Base initializers are not touched.
/// </summary>
public sealed class PfeifferAdapterPass(BottleneckAdapterOptions? options = null)
{
    public BottleneckAdapterOptions Options { get; } = options ?? new();

    public AdapterPassResult Apply(OnnxGraph graph, EncoderStructure structure)
    {
        Options.Validate();
        var trainable = new List<string>();
        foreach (var i in structure.SelectLayers(Options.Layers, nameof(Options.Layers)))
            trainable.AddRange(BottleneckAdapter.Insert(graph, structure.Blocks[i].Ffn, $"adapter.layer{i}.ffn", structure.HiddenSize, Options));
        graph.CleanupAndSort();
        return new AdapterPassResult(trainable, []);
    }
}
