namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// How the training graph multiplies by the frozen base's weights. The eval graph and the exported model always use
/// float32 (an int8 export is <c>export --int8</c>), so dev scores and the export mean what they always meant.
/// </summary>
public enum BasePrecision
{
    /// <summary>float32 everywhere (the default).</summary>
    Float32,

    /// <summary>
    /// The base's weight MatMuls in the training graph as dynamic int8 (<see cref="Export.Int8MatMulPass"/>): the
    /// forward X·W and the backward input gradient dY·Wᵀ (a straight-through estimate of the quantized forward's
    /// gradient); the trainable adapters and head, attention's activation products and every other op stay float32.
    /// </summary>
    Int8,
}
