namespace OrtAdapter.Inference.Classification;

/// <summary>Options of <see cref="TextClassifier.Load"/>; every default suits a CPU run of an OrtAdapter export.</summary>
public sealed class ClassifierOptions
{
    /// <summary>Where the session runs: "cpu", "cuda" or "cuda:N". Default "cpu".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>On CUDA, let MatMul use TF32 tensor cores (faster, ~1e-3 relative error); off: strict float32.</summary>
    public bool CudaTf32 { get; init; }

    /// <summary>Intra-op threads; 0 uses every core the process may run on. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Rows per session run in <see cref="TextClassifier.PredictBatch"/> and <see cref="TextClassifier.EmbedBatch"/>. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Truncation length (special tokens included); null takes the model's <c>ortadapter.max_length</c>, else 128.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Multi-label models only: a label is predicted when its sigmoid probability is at least this. Default 0.5.</summary>
    public float MultiLabelThreshold { get; init; } = 0.5f;

    /// <summary>
    /// A folder with the tokenizer files (vocab.txt, tokenizer_config.json, ...) that overrides what the model carries;
    /// null (default) reads them from the model's metadata, else from beside the model.
    /// </summary>
    public string? TokenizerDirectory { get; init; }
}
