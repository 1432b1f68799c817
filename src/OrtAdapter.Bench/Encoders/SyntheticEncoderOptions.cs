namespace OrtAdapter.Bench.Encoders;

/// <summary>
/// Shape and initialisation of a <see cref="SyntheticEncoder"/>. The defaults are the benchmark encoder
/// (bench-l6-h384: MiniLM-L6-H384 shape with the bert-mini vocabulary, exported at opset 14).
/// </summary>
public sealed class SyntheticEncoderOptions
{
    /// <summary>Transformer layers. Default 6.</summary>
    public int Layers { get; init; } = 6;

    /// <summary>Hidden size. Default 384.</summary>
    public int Hidden { get; init; } = 384;

    /// <summary>Attention heads; must divide <see cref="Hidden"/>. Default 12.</summary>
    public int Heads { get; init; } = 12;

    /// <summary>Feed-forward (intermediate) size. Default 1536.</summary>
    public int Intermediate { get; init; } = 1536;

    /// <summary>Vocabulary size (rows of the word embedding). Default 8010 (the bert-mini-uncased vocabulary).</summary>
    public int VocabSize { get; init; } = 8010;

    /// <summary>Maximum sequence length (rows of the position embedding). Default 512.</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>Token-type vocabulary size. Default 2.</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>
    /// ai.onnx opset, 14 to 17. Below 17 layer norm is decomposed (ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add)
    /// as torch.onnx exports it; at 17 it is one LayerNormalization node. Default 14.
    /// </summary>
    public int Opset { get; init; } = 14;

    /// <summary>Seed of the weight generator: same options, byte-identical model. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Standard deviation of the normal weights (BERT's initializer_range). Default 0.02.</summary>
    public float InitStd { get; init; } = 0.02f;

    /// <summary>Layer-norm epsilon. Default 1e-12 (BERT's layer_norm_eps).</summary>
    public float LayerNormEpsilon { get; init; } = 1e-12f;

    /// <summary>Word-embedding row kept at zero, as BertModel's init does for its padding id; -1 for none. Default 0.</summary>
    public int PadTokenId { get; init; }

    /// <summary>
    /// Merge initializers of equal value into one, the later names becoming Identity nodes, as torch.onnx.export does.
    /// With BERT's initialisation every bias is zero and every layer-norm weight one, so a freshly initialised export
    /// (like bench-l6-h384) holds three such tensors aliased by Identity nodes. False gives each parameter its own
    /// initializer: the layout of an export of trained weights (like bert-mini). Default true.
    /// </summary>
    public bool DeduplicateInitializers { get; init; } = true;

    /// <summary>Size of one attention head.</summary>
    public int HeadSize => Hidden / Heads;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Positive(Layers, nameof(Layers));
        Positive(Hidden, nameof(Hidden));
        Positive(Heads, nameof(Heads));
        Positive(Intermediate, nameof(Intermediate));
        Positive(VocabSize, nameof(VocabSize));
        Positive(MaxPositions, nameof(MaxPositions));
        Positive(TypeVocabSize, nameof(TypeVocabSize));
        if (Hidden % Heads != 0)
            throw new ArgumentException($"{nameof(Heads)} ({Heads}) must divide {nameof(Hidden)} ({Hidden}).");
        if (Opset is < 14 or > 17)
            throw new ArgumentException($"{nameof(Opset)} must be 14 to 17 (the exporter's layouts), not {Opset}.");
        if (!(InitStd > 0) || float.IsInfinity(InitStd))
            throw new ArgumentException($"{nameof(InitStd)} must be positive and finite, not {InitStd}.");
        if (!(LayerNormEpsilon > 0))
            throw new ArgumentException($"{nameof(LayerNormEpsilon)} must be positive, not {LayerNormEpsilon}.");
        if (PadTokenId < -1 || PadTokenId >= VocabSize)
            throw new ArgumentException($"{nameof(PadTokenId)} must be -1 or a row of the vocabulary (< {VocabSize}), not {PadTokenId}.");
    }

    /// <summary>Every option as text (a cache key for generated files).</summary>
    public override string ToString() =>
        $"layers={Layers} hidden={Hidden} heads={Heads} intermediate={Intermediate} vocab={VocabSize} positions={MaxPositions} " +
        $"types={TypeVocabSize} opset={Opset} seed={Seed} std={InitStd:R} eps={LayerNormEpsilon:R} pad={PadTokenId} dedup={DeduplicateInitializers}";

    static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, not {value}.");
    }
}
