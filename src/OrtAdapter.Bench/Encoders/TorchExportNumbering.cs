namespace OrtAdapter.Bench.Encoders;

/// <summary>
/// The numbered value names torch.onnx.export gives a BertModel (onnx::Slice_N, onnx::Unsqueeze_N, onnx::MatMul_N).
/// TorchScript numbers values in creation order: the 3 inputs and the parameters first, then every traced op's
/// outputs, the pre-transposed Linear weights last. The constants below were read off the PyTorch 2.6 exports of
/// bert-mini (4 layers, opsets 14 and 17) and bench-l6-h384 (6 layers, opset 14) and hold for all three; they do
/// not depend on the sizes. Names are cosmetic (nothing keys on them) but matching them keeps the two models diffable.
/// </summary>
sealed class TorchExportNumbering(int layers, bool fusedLayerNorm)
{
    const int ParametersPerLayer = 16, OtherParameters = 7;

    /// <summary>Values one layer creates: a decomposed layer norm makes 10 more than LayerNormalization, twice.</summary>
    int LayerStride => fusedLayerNorm ? 102 : 122;

    /// <summary>From the position-id constant to the first layer's first Unsqueeze axes (the embedding layer norm differs by 10).</summary>
    int FirstLayerOffset => fusedLayerNorm ? 27 : 37;

    int PositionIdsNumber => ParametersPerLayer * layers + OtherParameters + 17;

    int LayerStart(int layer) => PositionIdsNumber + FirstLayerOffset + layer * LayerStride;

    /// <summary>The [1, max_positions] position-id buffer, a Constant feeding the embeddings' Slice.</summary>
    public string PositionIds => $"onnx::Slice_{PositionIdsNumber}";

    /// <summary>
    /// The axes constant of the <paramref name="index"/>-th (0..7) Unsqueeze of a layer's head-reshape arithmetic:
    /// pairs for query, key, value, then the context merge. Layers after the first start one value later; the merge
    /// pair sits at the same place in every layer.
    /// </summary>
    public string UnsqueezeAxes(int layer, int index)
    {
        ReadOnlySpan<int> offsets = [0, 2, 20, 22, 39, 41];
        var number = index < 6
            ? LayerStart(layer) + (layer > 0 ? 1 : 0) + offsets[index]
            : LayerStart(layer) + 65 + 2 * (index - 6);
        return $"onnx::Unsqueeze_{number}";
    }

    /// <summary>The pre-transposed weight of one of a layer's six Linear modules.</summary>
    public string MatMulWeight(int layer, LinearSite site)
    {
        var first = LayerStart(layers) - 2;
        var offset = site switch
        {
            LinearSite.Query => 0, LinearSite.Key => 3, LinearSite.Value => 6,
            LinearSite.AttentionOutput => 10, LinearSite.Intermediate => 11, LinearSite.Output => 12,
            _ => throw new ArgumentOutOfRangeException(nameof(site), site, null),
        };
        return $"onnx::MatMul_{first + 13 * layer + offset}";
    }
}

/// <summary>The Linear modules of one BERT layer, in the order the export creates their weights.</summary>
enum LinearSite { Query, Key, Value, AttentionOutput, Intermediate, Output }
