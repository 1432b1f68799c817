using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// The transformer blocks of an exported post-LN encoder (BERT, RoBERTa, DistilBERT, MiniLM), found by graph
/// pattern only: initializer and node names are never consulted, so any exporter's naming works. Find it on the
/// base graph, then apply adapter and dropout passes in any order: passes edit around the recorded nodes and
/// read current inputs from them.
/// </summary>
/// <param name="HiddenSize">H, the width of the residual stream.</param>
/// <param name="IntermediateSize">F, the width of the FFN.</param>
/// <param name="Embeddings">The embedding layer norm (its output is block 0's input).</param>
/// <param name="Blocks">The blocks in order.</param>
public sealed record EncoderStructure(long HiddenSize, long IntermediateSize, LayerNormMatch Embeddings, IReadOnlyList<TransformerBlock> Blocks)
{
    /// <summary>Finds the encoder's blocks; throws <see cref="EncoderStructureException"/> naming the failed match.</summary>
    public static EncoderStructure Find(OnnxGraph graph) => new EncoderStructureFinder(graph).Find();

    /// <summary>Layer indices to use: all when <paramref name="layers"/> is null; throws on an index out of range.</summary>
    public IReadOnlyList<int> SelectLayers(IReadOnlyList<int>? layers, string optionName)
    {
        if (layers is null) return [.. Enumerable.Range(0, Blocks.Count)];
        foreach (var i in layers)
            if (i < 0 || i >= Blocks.Count)
                throw new ArgumentOutOfRangeException(optionName, $"{optionName}: layer {i} does not exist; the encoder has {Blocks.Count} layers (0..{Blocks.Count - 1}).");
        return [.. layers.Distinct().Order()];
    }
}
